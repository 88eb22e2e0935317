// Basic types of the GridTokenX on-chain C SDK (SBPFv0, clang -target bpf).
#ifndef GTX_TYPES_H
#define GTX_TYPES_H

// -ffreestanding makes clang use its own headers, so these need no libc.
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GTX_PUBKEY_BYTES 32
#define GTX_HASH_BYTES 32

// Layout of the runtime's Pubkey: 32 raw bytes, alignment 1, so it can sit in packed state.
typedef struct {
  uint8_t bytes[GTX_PUBKEY_BYTES];
} GtxPubkey;

// A (pointer, length) slice; the layout the hashing and logging syscalls read.
typedef struct {
  const uint8_t *addr;
  uint64_t len;
} GtxBytes;

// Unsigned 128-bit value as two halves: upstream clang has no __int128 mul/div on BPF.
typedef struct {
  uint64_t lo;
  uint64_t hi;
} GtxU128;

// The heap the runtime maps for every instruction: 32 KiB, zeroed, at a fixed address.
#define GTX_HEAP_START_ADDRESS ((uint64_t)0x300000000)
#define GTX_HEAP_LENGTH ((uint64_t)32 * 1024)

#define GTX_ARRAY_LEN(array) (sizeof(array) / sizeof((array)[0]))

#endif
