// The Trading program's accounts. Every u64/i64 sits at an offset divisible by 8, so these
// structs have no padding and match the Borsh layouts of the IDL byte for byte (docs/onchain.md).
#ifndef TRADING_STATE_H
#define TRADING_STATE_H

#include "gtx_bytes.h"
#include "gtx_sdk.h"
#include "interface.h"

#define TRADING_MARKET_SEED "market"
#define TRADING_VAULT_SEED "vault"
#define TRADING_ORDER_SEED "order"
// Prices are USDC base units per kWh, and one kWh is 10^6 GXT base units.
#define TRADING_ENERGY_BASE_UNITS_PER_KWH ((uint64_t)1000000)
#define TRADING_ENERGY_DECIMALS 6
#define TRADING_BPS_DENOMINATOR ((uint64_t)10000)

enum TradingSide { TRADING_SIDE_BUY = 0, TRADING_SIDE_SELL = 1 };
// Recorded for the matcher, which applies it. A non-GTC order may be cancelled by the market's
// matcher as well as by its owner (the rest of an IOC, a post-only order that would take).
enum TradingTimeInForce {
  TRADING_TIF_GTC = 0,
  TRADING_TIF_IOC = 1,
  TRADING_TIF_POST_ONLY = 2,
};

typedef struct {
  uint64_t discriminator;
  GtxPubkey operator;
  GtxPubkey matcher;  // the only key that may settle
  GtxPubkey energy_mint;
  GtxPubkey quote_mint;
  GtxPubkey energy_vault;
  GtxPubkey quote_vault;
  GtxPubkey fee_vault;  // a quote-mint token account chosen by the operator
  uint16_t fee_bps;
  uint8_t bump;
  uint8_t energy_vault_bump;
  uint8_t quote_vault_bump;
  uint8_t reserved[3];
} TradingMarket;
_Static_assert(sizeof(TradingMarket) == TRADING_ACCOUNT_MARKET_LEN, "market layout");
_Static_assert(offsetof(TradingMarket, fee_bps) == 232, "market fee_bps offset");

typedef struct {
  uint64_t discriminator;
  GtxPubkey market;
  GtxPubkey owner;
  uint64_t order_id;
  uint64_t price;     // USDC base units per kWh: a bid's most, an ask's least
  uint64_t quantity;  // GXT base units
  uint64_t filled;
  uint64_t escrow;    // still locked: GXT for a sell, USDC for a buy
  uint64_t claimable_energy;
  uint64_t claimable_quote;
  int64_t expiry;  // unix seconds; 0 = never
  int64_t created_at;
  uint8_t side;
  uint8_t bump;
  uint8_t time_in_force;  // enum TradingTimeInForce; GTC for the 33-byte place_order form
  uint8_t reserved[13];
} TradingOrder;
_Static_assert(sizeof(TradingOrder) == TRADING_ACCOUNT_ORDER_LEN, "order layout");
_Static_assert(offsetof(TradingOrder, side) == 144, "order side offset");
_Static_assert(offsetof(TradingOrder, time_in_force) == 146, "order time_in_force offset");

#endif
