#include "shared.h"

#define ARG_FEE_BPS 8

typedef struct {
  const GtxParameters *params;
  const GtxAccountInfo *operator;  // signer, writable: pays
  const GtxAccountInfo *market_account;
} MarketCreation;

// Finds the bump of `seeds` (3 seeds, then room for the bump) and checks `account` is the PDA.
static uint64_t find_pda(const GtxParameters *params, GtxSignerSeed *seeds,
                         const GtxAccountInfo *account, uint8_t *bump) {
  GtxPubkey expected;
  seeds[3].addr = bump;
  seeds[3].len = 1;
  if (sol_try_find_program_address(seeds, 3, params->program_id, &expected, bump) !=
          GTX_SUCCESS ||
      !gtx_pubkey_eq(&expected, account->key)) {
    return TRADING_ERROR(WRONG_PDA);
  }
  return GTX_SUCCESS;
}

// Seeds ["vault", market, mint, bump].
static void vault_seeds(const MarketCreation *creation, const GtxAccountInfo *mint,
                        GtxSignerSeed *seeds) {
  seeds[0].addr = (const uint8_t *)TRADING_VAULT_SEED;
  seeds[0].len = sizeof(TRADING_VAULT_SEED) - 1;
  seeds[1].addr = creation->market_account->key->bytes;
  seeds[1].len = GTX_PUBKEY_BYTES;
  seeds[2].addr = mint->key->bytes;
  seeds[2].len = GTX_PUBKEY_BYTES;
}

static uint64_t find_vault_bump(const MarketCreation *creation, const GtxAccountInfo *vault,
                                const GtxAccountInfo *mint, uint8_t *bump) {
  GtxSignerSeed seeds[4];
  vault_seeds(creation, mint, seeds);
  return find_pda(creation->params, seeds, vault, bump);
}

// A token account at the vault PDA, owned (as a token account) by the market PDA.
static uint64_t create_vault(const MarketCreation *creation, const GtxAccountInfo *vault,
                             const GtxAccountInfo *mint, const uint8_t *bump) {
  GtxSignerSeed seeds[4];
  vault_seeds(creation, mint, seeds);
  seeds[3].addr = bump;
  seeds[3].len = 1;
  const GtxSignerSeeds signer = {seeds, GTX_ARRAY_LEN(seeds)};
  const GtxCreatePda request = {creation->operator, vault, GTX_TOKEN_ACCOUNT_LEN,
                                &GTX_TOKEN_PROGRAM_ID, &signer};
  uint64_t result = gtx_create_pda_account(&request);
  if (result != GTX_SUCCESS) {
    return result;
  }
  // The next CPI passes the account's length again: it must be the new one, or the runtime sees
  // this program resizing a token account.
  GtxAccountInfo created = *vault;
  created.data_len = gtx_serialized_data_len(vault);
  return gtx_token_initialize_account3(&created, mint, creation->market_account->key);
}

static uint64_t create_market_account(const MarketCreation *creation,
                                      const GtxAccountInfo *energy_mint,
                                      const GtxAccountInfo *quote_mint, const uint8_t *bump) {
  const GtxSignerSeed seeds[] = {
      {(const uint8_t *)TRADING_MARKET_SEED, sizeof(TRADING_MARKET_SEED) - 1},
      {energy_mint->key->bytes, GTX_PUBKEY_BYTES},
      {quote_mint->key->bytes, GTX_PUBKEY_BYTES},
      {bump, 1},
  };
  const GtxSignerSeeds signer = {seeds, GTX_ARRAY_LEN(seeds)};
  const GtxCreatePda request = {creation->operator, creation->market_account,
                                sizeof(TradingMarket), creation->params->program_id, &signer};
  return gtx_create_pda_account(&request);
}

static uint64_t check_mints(const GtxAccountInfo *energy_mint, const GtxAccountInfo *quote_mint,
                            const GtxAccountInfo *fee_vault) {
  // Prices are per 10^6 energy base units (one kWh), which holds only with 6 decimals.
  if (!gtx_token_is_mint(energy_mint) || !gtx_token_is_mint(quote_mint) ||
      energy_mint->data[GTX_MINT_DECIMALS_OFFSET] != TRADING_ENERGY_DECIMALS ||
      gtx_pubkey_eq(energy_mint->key, quote_mint->key)) {
    return TRADING_ERROR(MINT_MISMATCH);
  }
  if (!gtx_token_is_account_of_mint(fee_vault, quote_mint->key)) {
    return TRADING_ERROR(TOKEN_ACCOUNT_MISMATCH);
  }
  return GTX_SUCCESS;
}

uint64_t trading_initialize_market(const GtxParameters *params) {
  if (params->account_count < 10) {
    return TRADING_ERROR(NOT_ENOUGH_ACCOUNTS);
  }
  if (params->data_len != TRADING_IX_INITIALIZE_MARKET_DATA_LEN) {
    return TRADING_ERROR(INVALID_INSTRUCTION_DATA);
  }
  const GtxAccountInfo *market_account = &params->accounts[0];
  const GtxAccountInfo *operator = &params->accounts[1];
  const GtxAccountInfo *matcher = &params->accounts[2];
  const GtxAccountInfo *energy_mint = &params->accounts[3];
  const GtxAccountInfo *quote_mint = &params->accounts[4];
  const GtxAccountInfo *energy_vault = &params->accounts[5];
  const GtxAccountInfo *quote_vault = &params->accounts[6];
  const GtxAccountInfo *fee_vault = &params->accounts[7];
  const GtxAccountInfo *system_program = &params->accounts[8];
  const GtxAccountInfo *token_program = &params->accounts[9];
  uint16_t fee_bps = gtx_read_u16_le(params->data + ARG_FEE_BPS);
  if (!operator->is_signer) {
    return TRADING_ERROR(MISSING_SIGNER);
  }
  if (!market_account->is_writable || !operator->is_writable || !energy_vault->is_writable ||
      !quote_vault->is_writable) {
    return TRADING_ERROR(ACCOUNT_NOT_WRITABLE);
  }
  if (!gtx_pubkey_eq(system_program->key, &GTX_SYSTEM_PROGRAM_ID) ||
      !gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID)) {
    return TRADING_ERROR(WRONG_PROGRAM_ID);
  }
  if (fee_bps > TRADING_BPS_DENOMINATOR) {
    return TRADING_ERROR(INVALID_ARGUMENT);
  }
  uint64_t result = check_mints(energy_mint, quote_mint, fee_vault);
  if (result != GTX_SUCCESS) {
    return result;
  }
  uint8_t market_bump;
  uint8_t energy_vault_bump;
  uint8_t quote_vault_bump;
  GtxSignerSeed market_seeds[4] = {
      {(const uint8_t *)TRADING_MARKET_SEED, sizeof(TRADING_MARKET_SEED) - 1},
      {energy_mint->key->bytes, GTX_PUBKEY_BYTES},
      {quote_mint->key->bytes, GTX_PUBKEY_BYTES},
  };
  result = find_pda(params, market_seeds, market_account, &market_bump);
  if (result != GTX_SUCCESS) {
    return result;
  }
  const MarketCreation creation = {params, operator, market_account};
  result = find_vault_bump(&creation, energy_vault, energy_mint, &energy_vault_bump);
  if (result != GTX_SUCCESS) {
    return result;
  }
  result = find_vault_bump(&creation, quote_vault, quote_mint, &quote_vault_bump);
  if (result != GTX_SUCCESS) {
    return result;
  }
  if (gtx_pubkey_eq(market_account->owner, params->program_id)) {
    return TRADING_ERROR(ALREADY_INITIALIZED);
  }
  result = create_market_account(&creation, energy_mint, quote_mint, &market_bump);
  if (result != GTX_SUCCESS) {
    return result;
  }
  result = create_vault(&creation, energy_vault, energy_mint, &energy_vault_bump);
  if (result != GTX_SUCCESS) {
    return result;
  }
  result = create_vault(&creation, quote_vault, quote_mint, &quote_vault_bump);
  if (result != GTX_SUCCESS) {
    return result;
  }
  TradingMarket *market = (TradingMarket *)market_account->data;
  market->discriminator = TRADING_ACCOUNT_MARKET;
  market->operator = *operator->key;
  market->matcher = *matcher->key;
  market->energy_mint = *energy_mint->key;
  market->quote_mint = *quote_mint->key;
  market->energy_vault = *energy_vault->key;
  market->quote_vault = *quote_vault->key;
  market->fee_vault = *fee_vault->key;
  market->fee_bps = fee_bps;
  market->bump = market_bump;
  market->energy_vault_bump = energy_vault_bump;
  market->quote_vault_bump = quote_vault_bump;
  return GTX_SUCCESS;
}
