#include "shared.h"

#define ARG_FILL_COUNT 8
#define ARG_FILLS 12
#define FILL_LEN 16
#define FIXED_ACCOUNTS 6

typedef struct {
  const GtxParameters *params;
  const GtxPubkey *market_key;
  uint64_t fee_bps;
  int64_t now;
} SettleContext;

// Both orders of a fill: live orders of this market, a buy then a sell, of different owners.
static uint64_t load_pair(const SettleContext *context, const GtxAccountInfo *buy_account,
                          const GtxAccountInfo *sell_account, TradingOrder **buy,
                          TradingOrder **sell) {
  if (!buy_account->is_writable || !sell_account->is_writable) {
    return TRADING_ERROR(ACCOUNT_NOT_WRITABLE);
  }
  uint64_t result = trading_load_order(context->params, buy_account, context->market_key, buy);
  if (result != GTX_SUCCESS) {
    return result;
  }
  result = trading_load_order(context->params, sell_account, context->market_key, sell);
  if (result != GTX_SUCCESS) {
    return result;
  }
  if ((*buy)->side != TRADING_SIDE_BUY || (*sell)->side != TRADING_SIDE_SELL) {
    return TRADING_ERROR(ORDER_SIDE_MISMATCH);
  }
  if (gtx_pubkey_eq(&(*buy)->owner, &(*sell)->owner)) {
    return TRADING_ERROR(SELF_TRADE);
  }
  if (trading_is_expired(*buy, context->now) || trading_is_expired(*sell, context->now)) {
    return TRADING_ERROR(ORDER_EXPIRED);
  }
  return GTX_SUCCESS;
}

static bool within_remainder(const TradingOrder *order, uint64_t quantity) {
  uint64_t remaining;
  return !gtx_sub_overflow(order->quantity, order->filled, &remaining) && quantity <= remaining;
}

// One fill of `quantity` at `price`: the buyer's escrow pays the notional, the seller's escrow
// delivers the energy; both become claimable. Returns the fee kept back from the seller.
static uint64_t settle_fill(const SettleContext *context, const GtxAccountInfo *buy_account,
                            const GtxAccountInfo *sell_account, const uint8_t *fill,
                            uint64_t *fee) {
  TradingOrder *buy;
  TradingOrder *sell;
  uint64_t result = load_pair(context, buy_account, sell_account, &buy, &sell);
  if (result != GTX_SUCCESS) {
    return result;
  }
  uint64_t quantity = gtx_read_u64_le(fill);
  uint64_t price = gtx_read_u64_le(fill + 8);
  if (quantity == 0) {
    return TRADING_ERROR(INVALID_ARGUMENT);
  }
  if (price < sell->price || price > buy->price) {
    return TRADING_ERROR(PRICE_OUTSIDE_LIMITS);
  }
  if (!within_remainder(buy, quantity) || !within_remainder(sell, quantity)) {
    return TRADING_ERROR(OVERFILL);
  }
  uint64_t notional;
  uint64_t proceeds;
  uint64_t buy_filled;
  uint64_t buy_escrow;
  uint64_t buy_energy;
  uint64_t sell_filled;
  uint64_t sell_escrow;
  uint64_t sell_quote;
  // Rounded down: the fraction stays in the buyer's escrow and returns with the refund.
  if (gtx_mul_div_floor(price, quantity, TRADING_ENERGY_BASE_UNITS_PER_KWH, &notional) ||
      gtx_mul_div_floor(notional, context->fee_bps, TRADING_BPS_DENOMINATOR, fee) ||
      gtx_sub_overflow(notional, *fee, &proceeds) ||
      gtx_add_overflow(buy->filled, quantity, &buy_filled) ||
      gtx_sub_overflow(buy->escrow, notional, &buy_escrow) ||
      gtx_add_overflow(buy->claimable_energy, quantity, &buy_energy) ||
      gtx_add_overflow(sell->filled, quantity, &sell_filled) ||
      gtx_sub_overflow(sell->escrow, quantity, &sell_escrow) ||
      gtx_add_overflow(sell->claimable_quote, proceeds, &sell_quote)) {
    return TRADING_ERROR(ARITHMETIC_OVERFLOW);
  }
  buy->filled = buy_filled;
  buy->escrow = buy_escrow;
  buy->claimable_energy = buy_energy;
  sell->filled = sell_filled;
  sell->escrow = sell_escrow;
  sell->claimable_quote = sell_quote;
  return GTX_SUCCESS;
}

uint64_t trading_settle(const GtxParameters *params) {
  if (params->data_len < ARG_FILLS) {
    return TRADING_ERROR(INVALID_INSTRUCTION_DATA);
  }
  uint64_t fill_count = gtx_read_u32_le(params->data + ARG_FILL_COUNT);
  if (params->data_len != ARG_FILLS + fill_count * FILL_LEN) {
    return TRADING_ERROR(INVALID_INSTRUCTION_DATA);
  }
  if (fill_count == 0) {
    return TRADING_ERROR(INVALID_ARGUMENT);
  }
  if (params->account_count < FIXED_ACCOUNTS + 2 * fill_count) {
    return TRADING_ERROR(NOT_ENOUGH_ACCOUNTS);
  }
  const GtxAccountInfo *market_account = &params->accounts[0];
  const GtxAccountInfo *matcher = &params->accounts[1];
  const GtxAccountInfo *quote_vault = &params->accounts[2];
  const GtxAccountInfo *fee_vault = &params->accounts[3];
  const GtxAccountInfo *quote_mint = &params->accounts[4];
  const GtxAccountInfo *token_program = &params->accounts[5];
  if (!matcher->is_signer) {
    return TRADING_ERROR(MISSING_SIGNER);
  }
  if (!quote_vault->is_writable || !fee_vault->is_writable) {
    return TRADING_ERROR(ACCOUNT_NOT_WRITABLE);
  }
  if (!gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID)) {
    return TRADING_ERROR(WRONG_PROGRAM_ID);
  }
  const TradingMarket *market;
  uint64_t result = trading_load_market(params, market_account, &market);
  if (result != GTX_SUCCESS) {
    return result;
  }
  if (!gtx_pubkey_eq(matcher->key, &market->matcher)) {
    return TRADING_ERROR(UNAUTHORIZED);
  }
  if (!gtx_pubkey_eq(quote_vault->key, &market->quote_vault) ||
      !gtx_pubkey_eq(fee_vault->key, &market->fee_vault)) {
    return TRADING_ERROR(VAULT_MISMATCH);
  }
  if (!gtx_pubkey_eq(quote_mint->key, &market->quote_mint)) {
    return TRADING_ERROR(MINT_MISMATCH);
  }
  GtxClock clock;
  sol_get_clock_sysvar(&clock);
  const SettleContext context = {params, market_account->key, market->fee_bps,
                                 clock.unix_timestamp};
  uint64_t total_fee = 0;
  for (uint64_t index = 0; index < fill_count; index++) {
    uint64_t fee;
    result = settle_fill(&context, &params->accounts[FIXED_ACCOUNTS + 2 * index],
                         &params->accounts[FIXED_ACCOUNTS + 2 * index + 1],
                         params->data + ARG_FILLS + index * FILL_LEN, &fee);
    if (result != GTX_SUCCESS) {
      return result;
    }
    if (gtx_add_overflow(total_fee, fee, &total_fee)) {
      return TRADING_ERROR(ARITHMETIC_OVERFLOW);
    }
  }
  if (total_fee == 0) {
    return GTX_SUCCESS;
  }
  TradingMarketSigner signer;
  trading_market_signer(market, &signer);
  const GtxTransferChecked transfer = {quote_vault, quote_mint, fee_vault, market_account,
                                      total_fee, trading_mint_decimals(quote_mint),
                                      &signer.signer};
  return gtx_token_transfer_checked(&transfer);
}
