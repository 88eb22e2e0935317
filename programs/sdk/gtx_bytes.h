// Little-endian reads and writes at any alignment (instruction data has none to rely on).
#ifndef GTX_BYTES_H
#define GTX_BYTES_H

#include "gtx_syscalls.h"
#include "gtx_types.h"

static inline uint16_t gtx_read_u16_le(const uint8_t *bytes) {
  return (uint16_t)(bytes[0] | ((uint16_t)bytes[1] << 8));
}

static inline uint32_t gtx_read_u32_le(const uint8_t *bytes) {
  return (uint32_t)gtx_read_u16_le(bytes) | ((uint32_t)gtx_read_u16_le(bytes + 2) << 16);
}

static inline uint64_t gtx_read_u64_le(const uint8_t *bytes) {
  return (uint64_t)gtx_read_u32_le(bytes) | ((uint64_t)gtx_read_u32_le(bytes + 4) << 32);
}

static inline void gtx_write_u64_le(uint8_t *bytes, uint64_t value) {
  for (int index = 0; index < 8; index++) {
    bytes[index] = (uint8_t)(value >> (8 * index));
  }
}

static inline void gtx_write_u32_le(uint8_t *bytes, uint32_t value) {
  for (int index = 0; index < 4; index++) {
    bytes[index] = (uint8_t)(value >> (8 * index));
  }
}

static inline bool gtx_bytes_eq(const void *left, const void *right, uint64_t len) {
  int32_t result = 1;
  sol_memcmp_(left, right, len, &result);
  return result == 0;
}

#endif
