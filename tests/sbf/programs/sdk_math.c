// Runs the SDK's checked arithmetic on cases from the instruction data, so Python's exact
// integers can judge every result. Case: op (u8), a, b, c (u64 LE). Result: failed (u8),
// x, y (u64 LE), all results returned together as return data.
#include "gtx_sdk.h"

#define CASE_LEN (1 + 3 * 8)
#define RESULT_LEN (1 + 2 * 8)
#define MAX_CASES (1024 / RESULT_LEN)

enum Operation {
  OP_ADD = 0,
  OP_SUB = 1,
  OP_MUL = 2,
  OP_MUL_WIDE = 3,
  OP_DIV_WIDE = 4,
  OP_MUL_DIV_FLOOR = 5,
  OP_MUL_DIV_CEIL = 6,
};

static uint64_t read_u64(const uint8_t *bytes) {
  uint64_t value = 0;
  for (int index = 7; index >= 0; index--) {
    value = (value << 8) | bytes[index];
  }
  return value;
}

static void write_u64(uint8_t *bytes, uint64_t value) {
  for (int index = 0; index < 8; index++) {
    bytes[index] = (uint8_t)(value >> (8 * index));
  }
}

static bool run_case(const uint8_t *input, uint64_t *x, uint64_t *y) {
  uint64_t a = read_u64(input + 1);
  uint64_t b = read_u64(input + 9);
  uint64_t c = read_u64(input + 17);
  GtxU128 wide;
  switch (input[0]) {
    case OP_ADD:
      return gtx_add_overflow(a, b, x);
    case OP_SUB:
      return gtx_sub_overflow(a, b, x);
    case OP_MUL:
      return gtx_mul_overflow(a, b, x);
    case OP_MUL_WIDE:
      gtx_mul_wide(a, b, &wide);
      *x = wide.lo;
      *y = wide.hi;
      return false;
    case OP_DIV_WIDE:
      wide.lo = a;
      wide.hi = b;
      return gtx_div_wide(&wide, c, x, y);
    case OP_MUL_DIV_FLOOR:
      return gtx_mul_div_floor(a, b, c, x);
    default:
      return gtx_mul_div_ceil(a, b, c, x);
  }
}

uint64_t entrypoint(const uint8_t *input) {
  GtxAccountInfo accounts[1];
  GtxParameters params = {.accounts = accounts};
  if (!gtx_deserialize(input, &params, 1) || params.data_len % CASE_LEN != 0 ||
      params.data_len / CASE_LEN > MAX_CASES) {
    return GTX_ERROR_INVALID_INSTRUCTION_DATA;
  }
  // The results exceed LLVM's 512-byte BPF stack limit, so they go on the runtime's heap.
  uint8_t *results = (uint8_t *)GTX_HEAP_START_ADDRESS;
  uint64_t count = params.data_len / CASE_LEN;
  for (uint64_t index = 0; index < count; index++) {
    uint64_t x = 0;
    uint64_t y = 0;
    bool failed = run_case(params.data + index * CASE_LEN, &x, &y);
    uint8_t *result = results + index * RESULT_LEN;
    result[0] = failed;
    write_u64(result + 1, x);
    write_u64(result + 9, y);
  }
  sol_set_return_data(results, count * RESULT_LEN);
  return GTX_SUCCESS;
}
