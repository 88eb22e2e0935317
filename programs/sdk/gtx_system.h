// Creating program-owned accounts at PDAs through the System program.
#ifndef GTX_SYSTEM_H
#define GTX_SYSTEM_H

#include "gtx_bytes.h"
#include "gtx_error.h"
#include "gtx_syscalls.h"

static const GtxPubkey GTX_SYSTEM_PROGRAM_ID = {{0}};

#define GTX_SYSTEM_CREATE_ACCOUNT 0
#define GTX_SYSTEM_ASSIGN 1
#define GTX_SYSTEM_TRANSFER 2
#define GTX_SYSTEM_ALLOCATE 8

// Rent-exempt minimum for `data_len` bytes with the default rent (3480 lamports per byte-year,
// exemption threshold 2 years, 128 bytes of account overhead). The Rent sysvar holds a float
// the BPF target cannot use; every cluster runs these defaults.
static inline uint64_t gtx_rent_exempt_minimum(uint64_t data_len) {
  return (data_len + 128) * 3480 * 2;
}

typedef struct {
  const GtxAccountInfo *payer;        // signer, writable
  const GtxAccountInfo *new_account;  // writable; the PDA of `seeds`
  uint64_t space;
  const GtxPubkey *owner;             // the program that will own it
  const GtxSignerSeeds *seeds;        // the PDA's seeds, bump included
} GtxCreatePda;

static inline uint64_t gtx_system_invoke(const uint8_t *data, uint64_t data_len,
                                         const GtxAccountInfo *from, const GtxAccountInfo *to,
                                         const GtxSignerSeeds *seeds) {
  const GtxAccountMeta metas[2] = {{from->key, true, true}, {to->key, true, true}};
  const GtxInstruction instruction = {&GTX_SYSTEM_PROGRAM_ID, metas, to == from ? 1 : 2, data,
                                      data_len};
  const GtxAccountInfo accounts[2] = {*from, *to};
  return sol_invoke_signed_c(&instruction, accounts, to == from ? 1 : 2, seeds, 1);
}

// Creates the account even when someone has already sent lamports to its address (which
// makes CreateAccount fail): then it tops up, allocates and assigns instead.
static inline uint64_t gtx_create_pda_account(const GtxCreatePda *request) {
  uint64_t required = gtx_rent_exempt_minimum(request->space);
  uint64_t current = *request->new_account->lamports;
  uint8_t data[52];
  uint64_t result;
  if (current == 0) {
    gtx_write_u32_le(data, GTX_SYSTEM_CREATE_ACCOUNT);
    gtx_write_u64_le(data + 4, required);
    gtx_write_u64_le(data + 12, request->space);
    sol_memcpy_(data + 20, request->owner, GTX_PUBKEY_BYTES);
    return gtx_system_invoke(data, 52, request->payer, request->new_account, request->seeds);
  }
  if (current < required) {
    gtx_write_u32_le(data, GTX_SYSTEM_TRANSFER);
    gtx_write_u64_le(data + 4, required - current);
    // The payer signs this transfer itself; the PDA's seeds are simply unused by it.
    result = gtx_system_invoke(data, 12, request->payer, request->new_account, request->seeds);
    if (result != GTX_SUCCESS) {
      return result;
    }
  }
  gtx_write_u32_le(data, GTX_SYSTEM_ALLOCATE);
  gtx_write_u64_le(data + 4, request->space);
  result = gtx_system_invoke(data, 12, request->new_account, request->new_account, request->seeds);
  if (result != GTX_SUCCESS) {
    return result;
  }
  gtx_write_u32_le(data, GTX_SYSTEM_ASSIGN);
  sol_memcpy_(data + 4, request->owner, GTX_PUBKEY_BYTES);
  return gtx_system_invoke(data, 36, request->new_account, request->new_account, request->seeds);
}

#endif
