#include "shared.h"

// The optional 11th account: the market's matcher, signing, for an order that is not GTC.
static uint64_t check_matcher_cancel(const GtxParameters *params, const TradingMarket *market,
                                     const TradingOrder *order) {
  if (params->account_count < 11) {
    return TRADING_ERROR(MISSING_SIGNER);
  }
  const GtxAccountInfo *matcher = &params->accounts[10];
  if (!matcher->is_signer) {
    return TRADING_ERROR(MISSING_SIGNER);
  }
  if (!gtx_pubkey_eq(matcher->key, &market->matcher) || order->time_in_force == TRADING_TIF_GTC) {
    return TRADING_ERROR(UNAUTHORIZED);
  }
  return GTX_SUCCESS;
}

uint64_t trading_cancel_order(const GtxParameters *params) {
  TradingPayout payout;
  uint64_t result = trading_load_payout(params, TRADING_IX_CANCEL_ORDER_DATA_LEN, &payout);
  if (result != GTX_SUCCESS) {
    return result;
  }
  const TradingOrder *order = payout.order;
  GtxClock clock;
  sol_get_clock_sysvar(&clock);
  // After expiry anyone may cancel, and the matcher may cancel an IOC or post-only order: the
  // tokens still only go back to the owner (trading_load_payout checks the destinations).
  if (!payout.owner->is_signer && !trading_is_expired(order, clock.unix_timestamp)) {
    result = check_matcher_cancel(params, payout.market, order);
    if (result != GTX_SUCCESS) {
      return result;
    }
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
