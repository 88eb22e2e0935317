// The local receiver's instructions: 8-byte Anchor discriminator, then Borsh arguments.
#ifndef PYTH_LOCAL_INSTRUCTION_H
#define PYTH_LOCAL_INSTRUCTION_H

#include "state.h"

#define PYTH_LOCAL_ERROR(name) GTX_CUSTOM_ERROR(PYTH_LOCAL_ERROR_##name)

// init_price_feed(shard_id: u16, feed_id: [u8; 32])
//   0. [writable]         price feed PDA [shard_id u16 LE, feed_id]
//   1. [signer]           write authority: the only key that may update the price
//   2. [signer, writable] payer
//   3. []                 System program
uint64_t pyth_local_init_price_feed(const GtxParameters *params);

// update_price(price: i64, conf: u64, exponent: i32, publish_time: i64, prev_publish_time: i64,
//              ema_price: i64, ema_conf: u64)
//   0. [writable] price feed
//   1. [signer]   its write authority
uint64_t pyth_local_update_price(const GtxParameters *params);

#endif
