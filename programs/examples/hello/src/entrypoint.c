#include "error.h"
#include "instruction.h"

#define HELLO_MAX_ACCOUNTS 4

uint64_t entrypoint(const uint8_t *input) {
  GtxAccountInfo accounts[HELLO_MAX_ACCOUNTS];
  GtxParameters params = {.accounts = accounts};
  if (!gtx_deserialize(input, &params, HELLO_MAX_ACCOUNTS)) {
    return GTX_ERROR_INVALID_ARGUMENT;
  }
  if (params.data_len < 1) {
    return GTX_ERROR_INVALID_INSTRUCTION_DATA;
  }
  switch (params.data[0]) {
    case HELLO_GREET:
      return hello_greet(&params);
    case HELLO_WITHDRAW:
      return hello_withdraw(&params);
    default:
      return GTX_CUSTOM_ERROR(HELLO_ERROR_UNKNOWN_INSTRUCTION);
  }
}
