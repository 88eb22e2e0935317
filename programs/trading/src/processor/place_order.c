#include "shared.h"

#define ARG_ORDER_ID 8
#define ARG_SIDE 16
#define ARG_PRICE 17
#define ARG_QUANTITY 25
#define ARG_EXPIRY 33
#define ARG_TIME_IN_FORCE 41
// The arguments before time_in_force existed: still accepted, as a GTC order.
#define LEGACY_DATA_LEN (TRADING_IX_PLACE_ORDER_DATA_LEN - 1)

typedef struct {
  const uint8_t *order_id;  // 8 bytes, little-endian: also the last seed of the order PDA
  uint64_t price;
  uint64_t quantity;
  int64_t expiry;
  uint8_t side;
  uint8_t time_in_force;
} OrderArguments;

// The mint and vault of what the order locks: GXT for a sell, USDC for a buy.
static uint64_t check_escrow_accounts(const TradingMarket *market, const OrderArguments *args,
                                      const GtxAccountInfo *vault, const GtxAccountInfo *mint) {
  bool sell = args->side == TRADING_SIDE_SELL;
  if (!gtx_pubkey_eq(mint->key, sell ? &market->energy_mint : &market->quote_mint)) {
    return TRADING_ERROR(MINT_MISMATCH);
  }
  if (!gtx_pubkey_eq(vault->key, sell ? &market->energy_vault : &market->quote_vault)) {
    return TRADING_ERROR(VAULT_MISMATCH);
  }
  return GTX_SUCCESS;
}

static uint64_t escrow_amount(const OrderArguments *args, uint64_t *escrow) {
  if (args->side == TRADING_SIDE_SELL) {
    *escrow = args->quantity;
    return GTX_SUCCESS;
  }
  // Rounded up, so that fills at or below the bid never need more than was locked.
  if (gtx_mul_div_ceil(args->price, args->quantity, TRADING_ENERGY_BASE_UNITS_PER_KWH, escrow)) {
    return TRADING_ERROR(ARITHMETIC_OVERFLOW);
  }
  return GTX_SUCCESS;
}

static uint64_t check_arguments(const OrderArguments *args, int64_t now) {
  if ((args->side != TRADING_SIDE_BUY && args->side != TRADING_SIDE_SELL) || args->price == 0 ||
      args->quantity == 0) {
    return TRADING_ERROR(INVALID_ARGUMENT);
  }
  if (args->expiry < 0 || (args->expiry != 0 && args->expiry <= now)) {
    return TRADING_ERROR(INVALID_EXPIRY);
  }
  if (args->time_in_force > TRADING_TIF_POST_ONLY) {
    return TRADING_ERROR(INVALID_TIME_IN_FORCE);
  }
  return GTX_SUCCESS;
}

typedef struct {
  const GtxParameters *params;
  const GtxAccountInfo *market_account;
  const GtxAccountInfo *order_account;
  const GtxAccountInfo *owner;
  const OrderArguments *args;
} OrderCreation;

// Seeds ["order", market, owner, order_id u64 LE, bump].
static void order_seeds(const OrderCreation *creation, const uint8_t *bump, GtxSignerSeed *seeds) {
  seeds[0].addr = (const uint8_t *)TRADING_ORDER_SEED;
  seeds[0].len = sizeof(TRADING_ORDER_SEED) - 1;
  seeds[1].addr = creation->market_account->key->bytes;
  seeds[1].len = GTX_PUBKEY_BYTES;
  seeds[2].addr = creation->owner->key->bytes;
  seeds[2].len = GTX_PUBKEY_BYTES;
  seeds[3].addr = creation->args->order_id;
  seeds[3].len = sizeof(uint64_t);
  seeds[4].addr = bump;
  seeds[4].len = 1;
}

static uint64_t find_order_bump(const OrderCreation *creation, uint8_t *bump) {
  GtxSignerSeed seeds[5];
  order_seeds(creation, bump, seeds);
  GtxPubkey expected;
  if (sol_try_find_program_address(seeds, 4, creation->params->program_id, &expected, bump) !=
          GTX_SUCCESS ||
      !gtx_pubkey_eq(&expected, creation->order_account->key)) {
    return TRADING_ERROR(WRONG_PDA);
  }
  if (gtx_pubkey_eq(creation->order_account->owner, creation->params->program_id)) {
    return TRADING_ERROR(ALREADY_INITIALIZED);
  }
  return GTX_SUCCESS;
}

static uint64_t create_order(const OrderCreation *creation, const uint8_t *bump, uint64_t escrow,
                             int64_t now) {
  GtxSignerSeed seeds[5];
  order_seeds(creation, bump, seeds);
  const GtxSignerSeeds signer = {seeds, GTX_ARRAY_LEN(seeds)};
  const GtxCreatePda request = {creation->owner, creation->order_account, sizeof(TradingOrder),
                                creation->params->program_id, &signer};
  uint64_t result = gtx_create_pda_account(&request);
  if (result != GTX_SUCCESS) {
    return result;
  }
  const OrderArguments *args = creation->args;
  TradingOrder *order = (TradingOrder *)creation->order_account->data;
  order->discriminator = TRADING_ACCOUNT_ORDER;
  order->market = *creation->market_account->key;
  order->owner = *creation->owner->key;
  order->order_id = gtx_read_u64_le(args->order_id);
  order->price = args->price;
  order->quantity = args->quantity;
  order->escrow = escrow;
  order->expiry = args->expiry;
  order->created_at = now;
  order->side = args->side;
  order->bump = *bump;
  order->time_in_force = args->time_in_force;
  return GTX_SUCCESS;
}

uint64_t trading_place_order(const GtxParameters *params) {
  if (params->account_count < 8) {
    return TRADING_ERROR(NOT_ENOUGH_ACCOUNTS);
  }
  if (params->data_len != TRADING_IX_PLACE_ORDER_DATA_LEN && params->data_len != LEGACY_DATA_LEN) {
    return TRADING_ERROR(INVALID_INSTRUCTION_DATA);
  }
  const GtxAccountInfo *market_account = &params->accounts[0];
  const GtxAccountInfo *order_account = &params->accounts[1];
  const GtxAccountInfo *owner = &params->accounts[2];
  const GtxAccountInfo *source = &params->accounts[3];
  const GtxAccountInfo *vault = &params->accounts[4];
  const GtxAccountInfo *mint = &params->accounts[5];
  const GtxAccountInfo *token_program = &params->accounts[6];
  const GtxAccountInfo *system_program = &params->accounts[7];
  const OrderArguments args = {
      params->data + ARG_ORDER_ID,
      gtx_read_u64_le(params->data + ARG_PRICE),
      gtx_read_u64_le(params->data + ARG_QUANTITY),
      (int64_t)gtx_read_u64_le(params->data + ARG_EXPIRY),
      params->data[ARG_SIDE],
      params->data_len == LEGACY_DATA_LEN ? (uint8_t)TRADING_TIF_GTC
                                          : params->data[ARG_TIME_IN_FORCE],
  };
  if (!owner->is_signer) {
    return TRADING_ERROR(MISSING_SIGNER);
  }
  if (!order_account->is_writable || !owner->is_writable || !source->is_writable ||
      !vault->is_writable) {
    return TRADING_ERROR(ACCOUNT_NOT_WRITABLE);
  }
  if (!gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID) ||
      !gtx_pubkey_eq(system_program->key, &GTX_SYSTEM_PROGRAM_ID)) {
    return TRADING_ERROR(WRONG_PROGRAM_ID);
  }
  const TradingMarket *market;
  uint64_t result = trading_load_market(params, market_account, &market);
  if (result != GTX_SUCCESS) {
    return result;
  }
  GtxClock clock;
  sol_get_clock_sysvar(&clock);
  result = check_arguments(&args, clock.unix_timestamp);
  if (result != GTX_SUCCESS) {
    return result;
  }
  const OrderCreation creation = {params, market_account, order_account, owner, &args};
  uint8_t bump;
  result = find_order_bump(&creation, &bump);
  if (result != GTX_SUCCESS) {
    return result;
  }
  result = check_escrow_accounts(market, &args, vault, mint);
  if (result != GTX_SUCCESS) {
    return result;
  }
  if (!gtx_token_is_account_of(source, mint->key, owner->key)) {
    return TRADING_ERROR(TOKEN_ACCOUNT_MISMATCH);
  }
  uint64_t escrow;
  result = escrow_amount(&args, &escrow);
  if (result != GTX_SUCCESS) {
    return result;
  }
  if (gtx_token_amount(source) < escrow) {
    return TRADING_ERROR(INSUFFICIENT_FUNDS);
  }
  result = create_order(&creation, &bump, escrow, clock.unix_timestamp);
  if (result != GTX_SUCCESS) {
    return result;
  }
  const GtxTransferChecked transfer = {source, mint,   vault, owner, escrow,
                                       trading_mint_decimals(mint), NULL};
  return gtx_token_transfer_checked(&transfer);
}
