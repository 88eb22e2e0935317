// Input of the ld.lld-16 -r test. It has no strings: lld 16 refuses or crashes on lddw into
// mergeable constant sections.
#include "gtx_sdk.h"
uint64_t scaled(uint64_t value);
static __attribute__((noinline)) uint64_t plus_one(uint64_t value) { return value + 1; }
static __attribute__((noinline)) uint64_t plus_two(uint64_t value) { return value + 2; }
static uint64_t (*const STEPS[])(uint64_t) = {plus_one, plus_two};
uint64_t entrypoint(const uint8_t *input) {
  uint64_t value = input[16];
  sol_log_64_(STEPS[value & 1](value), scaled(value), plus_one(value), 0, 0);
  return 0;
}
