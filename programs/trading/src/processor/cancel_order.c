#include "shared.h"

uint64_t trading_cancel_order(const GtxParameters *params) {
  TradingPayout payout;
  uint64_t result = trading_load_payout(params, TRADING_IX_CANCEL_ORDER_DATA_LEN, &payout);
  if (result != GTX_SUCCESS) {
    return result;
  }
  const TradingOrder *order = payout.order;
  GtxClock clock;
  sol_get_clock_sysvar(&clock);
  // After expiry anyone may cancel: the tokens still only go back to the owner.
  if (!payout.owner->is_signer && !trading_is_expired(order, clock.unix_timestamp)) {
    return TRADING_ERROR(MISSING_SIGNER);
  }
  uint64_t energy = order->claimable_energy;
  uint64_t quote = order->claimable_quote;
  bool overflow = order->side == TRADING_SIDE_SELL
                      ? gtx_add_overflow(energy, order->escrow, &energy)
                      : gtx_add_overflow(quote, order->escrow, &quote);
  if (overflow) {
    return TRADING_ERROR(ARITHMETIC_OVERFLOW);
  }
  result = trading_pay_owner(&payout, energy, quote);
  if (result != GTX_SUCCESS) {
    return result;
  }
  return trading_close_order(&payout);
}
