#include "shared.h"

uint64_t trading_claim(const GtxParameters *params) {
  TradingPayout payout;
  uint64_t result = trading_load_payout(params, TRADING_IX_CLAIM_DATA_LEN, &payout);
  if (result != GTX_SUCCESS) {
    return result;
  }
  TradingOrder *order = payout.order;
  uint64_t energy = order->claimable_energy;
  uint64_t quote = order->claimable_quote;
  bool complete = order->filled == order->quantity;
  if (complete) {
    // A filled buy keeps what its fills cost less than the bid; a filled sell has no escrow.
    bool overflow = order->side == TRADING_SIDE_SELL
                        ? gtx_add_overflow(energy, order->escrow, &energy)
                        : gtx_add_overflow(quote, order->escrow, &quote);
    if (overflow) {
      return TRADING_ERROR(ARITHMETIC_OVERFLOW);
    }
  } else if (energy == 0 && quote == 0) {
    return TRADING_ERROR(NOTHING_TO_CLAIM);
  }
  result = trading_pay_owner(&payout, energy, quote);
  if (result != GTX_SUCCESS) {
    return result;
  }
  if (complete) {
    return trading_close_order(&payout);
  }
  order->claimable_energy = 0;
  order->claimable_quote = 0;
  return GTX_SUCCESS;
}
