// Calls the SDK syscalls the hello example does not use, so their C layouts (GtxBytes,
// GtxSignerSeed, GtxClock) are checked against the runtime. Returns, as return data:
// sha256(instruction data) (32), PDA of ("gtx", data) (32), its bump (1), clock slot (8).
#include "gtx_sdk.h"

#define RESULT_LEN (GTX_HASH_BYTES + GTX_PUBKEY_BYTES + 1 + 8)

uint64_t entrypoint(const uint8_t *input) {
  GtxAccountInfo accounts[1];
  GtxParameters params = {.accounts = accounts};
  if (!gtx_deserialize(input, &params, 1) || params.data_len > 32) {
    return GTX_ERROR_INVALID_INSTRUCTION_DATA;
  }
  uint8_t result[RESULT_LEN];
  sol_memset_(result, 0xAA, sizeof(result));

  const GtxBytes slices[] = {{params.data, params.data_len}};
  if (sol_sha256(slices, GTX_ARRAY_LEN(slices), result) != GTX_SUCCESS) {
    return GTX_ERROR_INVALID_ARGUMENT;
  }
  const GtxSignerSeed seeds[] = {{(const uint8_t *)"gtx", 3}, {params.data, params.data_len}};
  GtxPubkey address;
  uint8_t bump = 0;
  if (sol_try_find_program_address(seeds, GTX_ARRAY_LEN(seeds), params.program_id, &address,
                                   &bump) != GTX_SUCCESS) {
    return GTX_ERROR_INVALID_SEEDS;
  }
  sol_memcpy_(result + GTX_HASH_BYTES, address.bytes, GTX_PUBKEY_BYTES);
  result[GTX_HASH_BYTES + GTX_PUBKEY_BYTES] = bump;

  GtxClock clock;
  if (sol_get_clock_sysvar(&clock) != GTX_SUCCESS) {
    return GTX_ERROR_INVALID_ARGUMENT;
  }
  sol_memcpy_(result + GTX_HASH_BYTES + GTX_PUBKEY_BYTES + 1, &clock.slot, sizeof(clock.slot));
  sol_set_return_data(result, sizeof(result));
  return GTX_SUCCESS;
}
