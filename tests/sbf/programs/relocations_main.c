// Exercises every relocation kind: calls through section symbols (-ffunction-sections),
// a pointer table in .rodata (ABS64 to .text and to strings), lddw of a string (R_BPF_64_64),
// a call into another object and syscalls.
#include "gtx_sdk.h"
uint64_t offset_in_other_object(uint64_t value);
static __attribute__((noinline)) uint64_t doubled(uint64_t value) { return 2 * value; }
static __attribute__((noinline)) uint64_t squared(uint64_t value) { return value * value; }
static __attribute__((noinline)) uint64_t tripled(uint64_t value) { return 3 * value; }
static __attribute__((noinline)) uint64_t halved(uint64_t value) { return value / 2; }
typedef uint64_t (*Operation)(uint64_t);
static const Operation OPERATIONS[] = {doubled, squared, tripled, halved};
typedef struct {
  const char *text;
  uint64_t len;
} Name;
static const Name NAMES[] = {{"doubled", 7}, {"squared", 7}, {"tripled", 7}, {"halved", 6}};

uint64_t entrypoint(const uint8_t *input) {
  GtxAccountInfo accounts[1];
  GtxParameters params = {.accounts = accounts};
  if (!gtx_deserialize(input, &params, 1) || params.data_len != 2) {
    return GTX_ERROR_INVALID_INSTRUCTION_DATA;
  }
  uint8_t choice = params.data[0] & 3;
  uint64_t value = params.data[1];
  uint64_t result = OPERATIONS[choice](value) + offset_in_other_object(value) + doubled(value);
  sol_log_(NAMES[choice].text, NAMES[choice].len);
  gtx_log("relocations resolved");
  sol_log_64_(result, 0, 0, 0, 0);
  return GTX_SUCCESS;
}
