#include "instruction.h"

// settle takes 6 accounts plus 2 per fill; a transaction locks at most 64 accounts, so no
// settle needs more. The table lives on the heap: 64 entries would overflow a BPF frame.
#define TRADING_MAX_ACCOUNTS 64

uint64_t entrypoint(const uint8_t *input) {
  GtxParameters params = {.accounts = (GtxAccountInfo *)GTX_HEAP_START_ADDRESS};
  if (!gtx_deserialize(input, &params, TRADING_MAX_ACCOUNTS)) {
    return TRADING_ERROR(NOT_ENOUGH_ACCOUNTS);
  }
  if (params.data_len < 8) {
    return TRADING_ERROR(UNKNOWN_INSTRUCTION);
  }
  switch (gtx_read_u64_le(params.data)) {
    case TRADING_IX_INITIALIZE_MARKET:
      return trading_initialize_market(&params);
    case TRADING_IX_PLACE_ORDER:
      return trading_place_order(&params);
    case TRADING_IX_CANCEL_ORDER:
      return trading_cancel_order(&params);
    case TRADING_IX_SETTLE:
      return trading_settle(&params);
    case TRADING_IX_CLAIM:
      return trading_claim(&params);
    default:
      return TRADING_ERROR(UNKNOWN_INSTRUCTION);
  }
}
