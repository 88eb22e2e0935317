// Second input of the ld.lld-16 -r test.
#include <stdint.h>
static __attribute__((noinline)) uint64_t times_ten(uint64_t value) { return value * 10; }
uint64_t scaled(uint64_t value) { return times_ten(value) + 5; }
