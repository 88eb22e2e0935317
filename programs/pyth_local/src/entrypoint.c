#include "instruction.h"

// init_price_feed takes 4 accounts, update_price 2; a few spare slots keep the parse simple.
#define PYTH_LOCAL_MAX_ACCOUNTS 8

uint64_t entrypoint(const uint8_t *input) {
  GtxAccountInfo accounts[PYTH_LOCAL_MAX_ACCOUNTS];
  GtxParameters params = {.accounts = accounts};
  if (!gtx_deserialize(input, &params, PYTH_LOCAL_MAX_ACCOUNTS)) {
    return PYTH_LOCAL_ERROR(NOT_ENOUGH_ACCOUNTS);
  }
  if (params.data_len < 8) {
    return PYTH_LOCAL_ERROR(UNKNOWN_INSTRUCTION);
  }
  switch (gtx_read_u64_le(params.data)) {
    case PYTH_LOCAL_IX_INIT_PRICE_FEED:
      return pyth_local_init_price_feed(&params);
    case PYTH_LOCAL_IX_UPDATE_PRICE:
      return pyth_local_update_price(&params);
    default:
      return PYTH_LOCAL_ERROR(UNKNOWN_INSTRUCTION);
  }
}
