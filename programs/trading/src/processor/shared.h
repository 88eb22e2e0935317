// Checks and payouts the Trading handlers share.
#ifndef TRADING_SHARED_H
#define TRADING_SHARED_H

#include "../instruction.h"
#include "gtx_account.h"
#include "gtx_system.h"
#include "gtx_token.h"

// Account data is 8-byte aligned in the program input, so the discriminator loads as a u64.
// Only this program writes accounts it owns, and it writes a discriminator only into an
// account it has just created at the PDA of that type: owner + discriminator identify a
// market or an order without re-deriving its address.
static inline bool trading_is_account(const GtxParameters *params, const GtxAccountInfo *account,
                                      uint64_t discriminator, uint64_t len) {
  return account->data_len == len && *(const uint64_t *)account->data == discriminator &&
         gtx_pubkey_eq(account->owner, params->program_id);
}

static inline uint64_t trading_load_market(const GtxParameters *params,
                                           const GtxAccountInfo *account,
                                           const TradingMarket **market) {
  if (!gtx_pubkey_eq(account->owner, params->program_id)) {
    return TRADING_ERROR(WRONG_ACCOUNT_OWNER);
  }
  if (!trading_is_account(params, account, TRADING_ACCOUNT_MARKET, TRADING_ACCOUNT_MARKET_LEN)) {
    return TRADING_ERROR(INVALID_ACCOUNT_DATA);
  }
  *market = (const TradingMarket *)account->data;
  return GTX_SUCCESS;
}

// An order of the market at `market_key`.
static inline uint64_t trading_load_order(const GtxParameters *params,
                                          const GtxAccountInfo *account,
                                          const GtxPubkey *market_key, TradingOrder **order) {
  if (!gtx_pubkey_eq(account->owner, params->program_id)) {
    return TRADING_ERROR(WRONG_ACCOUNT_OWNER);
  }
  if (account->data_len != TRADING_ACCOUNT_ORDER_LEN ||
      *(const uint64_t *)account->data != TRADING_ACCOUNT_ORDER) {
    return TRADING_ERROR(INVALID_ACCOUNT_DATA);
  }
  *order = (TradingOrder *)account->data;
  if (!gtx_pubkey_eq(&(*order)->market, market_key)) {
    return TRADING_ERROR(ORDER_MARKET_MISMATCH);
  }
  return GTX_SUCCESS;
}

static inline bool trading_is_expired(const TradingOrder *order, int64_t now) {
  return order->expiry != 0 && now >= order->expiry;
}

// The market PDA's signature, for moving tokens out of its vaults.
typedef struct {
  GtxSignerSeed seeds[4];
  GtxSignerSeeds signer;
} TradingMarketSigner;

static inline void trading_market_signer(const TradingMarket *market,
                                         TradingMarketSigner *signer) {
  signer->seeds[0].addr = (const uint8_t *)TRADING_MARKET_SEED;
  signer->seeds[0].len = sizeof(TRADING_MARKET_SEED) - 1;
  signer->seeds[1].addr = market->energy_mint.bytes;
  signer->seeds[1].len = GTX_PUBKEY_BYTES;
  signer->seeds[2].addr = market->quote_mint.bytes;
  signer->seeds[2].len = GTX_PUBKEY_BYTES;
  signer->seeds[3].addr = &market->bump;
  signer->seeds[3].len = 1;
  signer->signer.addr = signer->seeds;
  signer->signer.len = 4;
}

static inline uint8_t trading_mint_decimals(const GtxAccountInfo *mint) {
  return mint->data[GTX_MINT_DECIMALS_OFFSET];
}

// cancel_order and claim: the order, its owner's two token accounts and the market's vaults.
typedef struct {
  const GtxAccountInfo *market_account;
  GtxAccountInfo *order_account;
  const GtxAccountInfo *owner;
  const GtxAccountInfo *owner_energy;
  const GtxAccountInfo *owner_quote;
  const GtxAccountInfo *energy_vault;
  const GtxAccountInfo *quote_vault;
  const GtxAccountInfo *energy_mint;
  const GtxAccountInfo *quote_mint;
  const TradingMarket *market;
  TradingOrder *order;
  TradingMarketSigner signer;
} TradingPayout;

uint64_t trading_load_payout(const GtxParameters *params, uint64_t data_len,
                            TradingPayout *payout);

// Pays the owner `energy` GXT and `quote` USDC base units out of the vaults (skipping zeros).
uint64_t trading_pay_owner(TradingPayout *payout, uint64_t energy, uint64_t quote);

// Returns the order's rent to its owner and leaves the account empty and System-owned.
static inline uint64_t trading_close_order(TradingPayout *payout) {
  if (gtx_close_account(payout->order_account, payout->owner)) {
    return TRADING_ERROR(ARITHMETIC_OVERFLOW);
  }
  return GTX_SUCCESS;
}

#endif
