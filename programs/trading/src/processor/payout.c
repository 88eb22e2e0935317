#include "shared.h"

uint64_t trading_load_payout(const GtxParameters *params, uint64_t data_len,
                            TradingPayout *payout) {
  if (params->account_count < 10) {
    return TRADING_ERROR(NOT_ENOUGH_ACCOUNTS);
  }
  if (params->data_len != data_len) {
    return TRADING_ERROR(INVALID_INSTRUCTION_DATA);
  }
  payout->market_account = &params->accounts[0];
  payout->order_account = &params->accounts[1];
  payout->owner = &params->accounts[2];
  payout->owner_energy = &params->accounts[3];
  payout->owner_quote = &params->accounts[4];
  payout->energy_vault = &params->accounts[5];
  payout->quote_vault = &params->accounts[6];
  payout->energy_mint = &params->accounts[7];
  payout->quote_mint = &params->accounts[8];
  const GtxAccountInfo *token_program = &params->accounts[9];
  if (!payout->order_account->is_writable || !payout->owner->is_writable ||
      !payout->owner_energy->is_writable || !payout->owner_quote->is_writable ||
      !payout->energy_vault->is_writable || !payout->quote_vault->is_writable) {
    return TRADING_ERROR(ACCOUNT_NOT_WRITABLE);
  }
  if (!gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID)) {
    return TRADING_ERROR(WRONG_PROGRAM_ID);
  }
  uint64_t result = trading_load_market(params, payout->market_account, &payout->market);
  if (result != GTX_SUCCESS) {
    return result;
  }
  result = trading_load_order(params, payout->order_account, payout->market_account->key,
                              &payout->order);
  if (result != GTX_SUCCESS) {
    return result;
  }
  const TradingMarket *market = payout->market;
  const GtxPubkey *order_owner = &payout->order->owner;
  if (!gtx_pubkey_eq(payout->owner->key, order_owner)) {
    return TRADING_ERROR(ORDER_OWNER_MISMATCH);
  }
  if (!gtx_pubkey_eq(payout->energy_vault->key, &market->energy_vault) ||
      !gtx_pubkey_eq(payout->quote_vault->key, &market->quote_vault)) {
    return TRADING_ERROR(VAULT_MISMATCH);
  }
  if (!gtx_pubkey_eq(payout->energy_mint->key, &market->energy_mint) ||
      !gtx_pubkey_eq(payout->quote_mint->key, &market->quote_mint)) {
    return TRADING_ERROR(MINT_MISMATCH);
  }
  // Whoever cranks the instruction, the tokens can only reach the order owner's accounts.
  if (!gtx_token_is_account_of(payout->owner_energy, &market->energy_mint, order_owner) ||
      !gtx_token_is_account_of(payout->owner_quote, &market->quote_mint, order_owner)) {
    return TRADING_ERROR(TOKEN_ACCOUNT_MISMATCH);
  }
  trading_market_signer(market, &payout->signer);
  return GTX_SUCCESS;
}

static uint64_t pay_from_vault(const TradingPayout *payout, const GtxAccountInfo *vault,
                               const GtxAccountInfo *mint, const GtxAccountInfo *destination,
                               uint64_t amount) {
  if (amount == 0) {
    return GTX_SUCCESS;
  }
  const GtxTransferChecked transfer = {
      vault, mint, destination, payout->market_account, amount, trading_mint_decimals(mint),
      &payout->signer.signer};
  return gtx_token_transfer_checked(&transfer);
}

uint64_t trading_pay_owner(TradingPayout *payout, uint64_t energy, uint64_t quote) {
  uint64_t result = pay_from_vault(payout, payout->energy_vault, payout->energy_mint,
                                   payout->owner_energy, energy);
  if (result != GTX_SUCCESS) {
    return result;
  }
  return pay_from_vault(payout, payout->quote_vault, payout->quote_mint, payout->owner_quote,
                        quote);
}
