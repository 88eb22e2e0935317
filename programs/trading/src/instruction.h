// The Trading program's instructions: 8-byte Anchor discriminator, then Borsh arguments.
#ifndef TRADING_INSTRUCTION_H
#define TRADING_INSTRUCTION_H

#include "state.h"

#define TRADING_ERROR(name) GTX_CUSTOM_ERROR(TRADING_ERROR_##name)

// initialize_market(fee_bps: u16)
//   0. [writable]         market PDA ["market", energy_mint, quote_mint]
//   1. [signer, writable] operator; pays
//   2. []                 matcher: the only key that may settle
//   3. []                 energy mint (GXT, 6 decimals)
//   4. []                 quote mint (USDC)
//   5. [writable]         energy vault PDA ["vault", market, energy_mint]
//   6. [writable]         quote vault PDA ["vault", market, quote_mint]
//   7. []                 fee vault: a quote-mint token account
//   8. []                 System program
//   9. []                 SPL Token program
uint64_t trading_initialize_market(const GtxParameters *params);

// place_order(order_id: u64, side: u8, price: u64, quantity: u64, expiry: i64,
//             time_in_force: u8)
//   time_in_force: 0 GTC, 1 IOC, 2 post-only. The 33-byte arguments without it (the form
//   before time in force existed) are still accepted and place a GTC order.
//   0. []                 market
//   1. [writable]         order PDA ["order", market, owner, order_id u64 LE]
//   2. [signer, writable] owner; pays the order's rent
//   3. [writable]         owner's source token account: GXT for a sell, USDC for a buy
//   4. [writable]         the market's vault of that mint
//   5. []                 that mint
//   6. []                 SPL Token program
//   7. []                 System program
uint64_t trading_place_order(const GtxParameters *params);

// cancel_order()  /  claim()
//   0. []         market
//   1. [writable] order
//   2. [writable] owner (cancel: signer unless the order has expired or 10. signs)
//   3. [writable] owner's GXT token account
//   4. [writable] owner's USDC token account
//   5. [writable] energy vault
//   6. [writable] quote vault
//   7. []         energy mint
//   8. []         quote mint
//   9. []         SPL Token program
//  10. [signer]   cancel only, optional: the market's matcher, which may cancel an IOC or
//                 post-only order (the rest of an IOC, a post-only order that would take)
uint64_t trading_cancel_order(const GtxParameters *params);
uint64_t trading_claim(const GtxParameters *params);

// settle(fills: Vec<Fill { quantity: u64, price: u64 }>)
//   0. []         market
//   1. [signer]   matcher
//   2. [writable] quote vault
//   3. [writable] fee vault
//   4. []         quote mint
//   5. []         SPL Token program
//   then per fill: [writable] buy order, [writable] sell order
uint64_t trading_settle(const GtxParameters *params);

#endif
