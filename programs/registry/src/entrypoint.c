#include "instruction.h"

// mint_from_reading takes 5 accounts plus 2 per meter; 64 leaves room for 29 meters, more than
// fit in one transaction. The table lives on the heap: 64 entries would overflow a BPF frame.
#define REGISTRY_MAX_ACCOUNTS 64

uint64_t entrypoint(const uint8_t *input) {
  GtxParameters params = {.accounts = (GtxAccountInfo *)GTX_HEAP_START_ADDRESS};
  if (!gtx_deserialize(input, &params, REGISTRY_MAX_ACCOUNTS)) {
    return REGISTRY_ERROR(NOT_ENOUGH_ACCOUNTS);
  }
  if (params.data_len < 8) {
    return REGISTRY_ERROR(UNKNOWN_INSTRUCTION);
  }
  switch (gtx_read_u64_le(params.data)) {
    case REGISTRY_IX_INITIALIZE:
      return registry_initialize(&params);
    case REGISTRY_IX_REGISTER_USER:
      return registry_register_user(&params);
    case REGISTRY_IX_REGISTER_METER:
      return registry_register_meter(&params);
    case REGISTRY_IX_SET_METER_STATUS:
      return registry_set_meter_status(&params);
    case REGISTRY_IX_ROTATE_DEVICE_KEY:
      return registry_rotate_device_key(&params);
    case REGISTRY_IX_MINT_FROM_READING:
      return registry_mint_from_reading(&params);
    default:
      return REGISTRY_ERROR(UNKNOWN_INSTRUCTION);
  }
}
