// PriceUpdateV2 as Pyth's receiver lays it out, with the Full verification level (tag 1).
// Borsh puts the price message right after the one-byte tag, so its i64 fields sit at odd
// offsets: they are read and written byte by byte, never through a struct.
#ifndef PYTH_LOCAL_STATE_H
#define PYTH_LOCAL_STATE_H

#include "gtx_bytes.h"
#include "gtx_sdk.h"
#include "interface.h"

#define PYTH_LOCAL_FEED_ID_BYTES 32
#define PYTH_LOCAL_VERIFICATION_FULL 1
// How far publish_time may run ahead of the cluster clock: a price "from the future" would
// look fresh to every reader until then.
#define PYTH_LOCAL_MAX_FUTURE_S 60

#define PYTH_LOCAL_OFFSET_WRITE_AUTHORITY 8
#define PYTH_LOCAL_OFFSET_VERIFICATION 40
#define PYTH_LOCAL_OFFSET_FEED_ID 41
// price, conf, exponent, publish_time, prev_publish_time, ema_price, ema_conf: the same order
// and widths as update_price's arguments, so they are copied as one block.
#define PYTH_LOCAL_OFFSET_MESSAGE 73
#define PYTH_LOCAL_MESSAGE_BYTES 52
#define PYTH_LOCAL_OFFSET_PUBLISH_TIME 93
#define PYTH_LOCAL_OFFSET_POSTED_SLOT 125

// Offsets of update_price's arguments in the instruction data.
#define PYTH_LOCAL_ARG_MESSAGE 8
#define PYTH_LOCAL_ARG_PUBLISH_TIME 28

_Static_assert(PYTH_LOCAL_OFFSET_MESSAGE + PYTH_LOCAL_MESSAGE_BYTES == PYTH_LOCAL_OFFSET_POSTED_SLOT,
               "message layout");
_Static_assert(PYTH_LOCAL_ARG_MESSAGE + PYTH_LOCAL_MESSAGE_BYTES == PYTH_LOCAL_IX_UPDATE_PRICE_DATA_LEN,
               "update_price layout");

#endif
