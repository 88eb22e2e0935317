// The runtime's syscalls; each call to an undefined function must be one of these names,
// which the project linker (gridtokenx.sbf) checks and turns into dynamic relocations.
#ifndef GTX_SYSCALLS_H
#define GTX_SYSCALLS_H

#include "gtx_types.h"

typedef struct {
  const uint8_t *addr;
  uint64_t len;
} GtxSignerSeed;

typedef struct {
  const GtxSignerSeed *addr;
  uint64_t len;
} GtxSignerSeeds;

// Same layout as the runtime's C AccountInfo: sol_invoke_signed_c reads this array directly.
typedef struct {
  GtxPubkey *key;
  uint64_t *lamports;
  uint64_t data_len;
  uint8_t *data;
  GtxPubkey *owner;
  uint64_t rent_epoch;
  bool is_signer;
  bool is_writable;
  bool executable;
} GtxAccountInfo;

typedef struct {
  const GtxPubkey *pubkey;
  bool is_writable;
  bool is_signer;
} GtxAccountMeta;

typedef struct {
  const GtxPubkey *program_id;
  const GtxAccountMeta *accounts;
  uint64_t account_len;
  const uint8_t *data;
  uint64_t data_len;
} GtxInstruction;

typedef struct {
  uint64_t slot;
  int64_t epoch_start_timestamp;
  uint64_t epoch;
  uint64_t leader_schedule_epoch;
  int64_t unix_timestamp;
} GtxClock;

void sol_log_(const char *message, uint64_t len);
void sol_log_64_(uint64_t arg1, uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5);
void sol_log_pubkey(const GtxPubkey *pubkey);
void sol_log_compute_units_(void);
void sol_memcpy_(void *dst, const void *src, uint64_t len);
void sol_memmove_(void *dst, const void *src, uint64_t len);
void sol_memset_(void *dst, uint8_t value, uint64_t len);
void sol_memcmp_(const void *left, const void *right, uint64_t len, int32_t *result);
uint64_t sol_sha256(const GtxBytes *slices, uint64_t slice_count, uint8_t *hash_out);
uint64_t sol_create_program_address(const GtxSignerSeed *seeds, uint64_t seed_count,
                                    const GtxPubkey *program_id, GtxPubkey *address_out);
uint64_t sol_try_find_program_address(const GtxSignerSeed *seeds, uint64_t seed_count,
                                      const GtxPubkey *program_id, GtxPubkey *address_out,
                                      uint8_t *bump_out);
uint64_t sol_invoke_signed_c(const GtxInstruction *instruction, const GtxAccountInfo *accounts,
                             uint64_t account_count, const GtxSignerSeeds *signers,
                             uint64_t signer_count);
uint64_t sol_get_clock_sysvar(GtxClock *clock_out);
void sol_set_return_data(const uint8_t *data, uint64_t len);
void sol_panic_(const char *file, uint64_t file_len, uint64_t line, uint64_t column);

// String literals only: the length comes from the array type, not from a strlen loop.
#define gtx_log(literal) sol_log_((literal), sizeof(literal) - 1)

static inline bool gtx_pubkey_eq(const GtxPubkey *left, const GtxPubkey *right) {
  int32_t result = 1;
  sol_memcmp_(left, right, GTX_PUBKEY_BYTES, &result);
  return result == 0;
}

static inline uint64_t gtx_invoke(const GtxInstruction *instruction, const GtxAccountInfo *accounts,
                                  uint64_t account_count) {
  return sol_invoke_signed_c(instruction, accounts, account_count, NULL, 0);
}

#endif
