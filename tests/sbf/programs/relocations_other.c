// The other object of the relocation test: a global function called across objects.
#include <stdint.h>
uint64_t offset_in_other_object(uint64_t value) { return value + 1000; }
