// Deserialization of the SBPFv0 program input (the aligned layout of the upgradeable loader).
#ifndef GTX_INPUT_H
#define GTX_INPUT_H

#include "gtx_syscalls.h"
#include "gtx_types.h"

// Room the runtime leaves after each account's data so a program may grow it in place.
#define GTX_MAX_PERMITTED_DATA_INCREASE ((uint64_t)10 * 1024)
#define GTX_NON_DUPLICATE_MARKER 0xff

typedef struct {
  GtxAccountInfo *accounts;  // filled in input order; duplicates repeat the original's entry
  uint64_t account_count;    // accounts the transaction passed, even beyond the capacity
  const uint8_t *data;
  uint64_t data_len;
  const GtxPubkey *program_id;
} GtxParameters;

// Parses `input` into `params`, writing at most `capacity` entries to `params->accounts`
// (which the caller points at its array). Returns false when the transaction passed more
// accounts than `capacity`: handlers never see a silently truncated list.
static inline bool gtx_deserialize(const uint8_t *input, GtxParameters *params,
                                   uint64_t capacity) {
  uint64_t count = *(const uint64_t *)input;
  input += sizeof(uint64_t);
  params->account_count = count;
  if (count > capacity) {
    return false;
  }
  for (uint64_t index = 0; index < count; index++) {
    GtxAccountInfo *account = &params->accounts[index];
    uint8_t duplicate_of = *input;
    if (duplicate_of != GTX_NON_DUPLICATE_MARKER) {
      // The runtime serializes a repeated account once; later slots only name its index.
      *account = params->accounts[duplicate_of];
      input += 8;
      continue;
    }
    account->is_signer = input[1] != 0;
    account->is_writable = input[2] != 0;
    account->executable = input[3] != 0;
    input += 8;  // marker, three flags, four bytes of original data length
    account->key = (GtxPubkey *)input;
    input += GTX_PUBKEY_BYTES;
    account->owner = (GtxPubkey *)input;
    input += GTX_PUBKEY_BYTES;
    account->lamports = (uint64_t *)input;
    input += sizeof(uint64_t);
    account->data_len = *(const uint64_t *)input;
    input += sizeof(uint64_t);
    account->data = (uint8_t *)input;
    input += account->data_len + GTX_MAX_PERMITTED_DATA_INCREASE;
    input = (const uint8_t *)(((uint64_t)input + 7) & ~(uint64_t)7);
    account->rent_epoch = *(const uint64_t *)input;
    input += sizeof(uint64_t);
  }
  params->data_len = *(const uint64_t *)input;
  input += sizeof(uint64_t);
  params->data = input;
  input += params->data_len;
  params->program_id = (const GtxPubkey *)input;
  return true;
}

#endif
