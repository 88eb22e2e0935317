// Instructions of the hello example; the first byte of instruction data selects one.
#ifndef HELLO_INSTRUCTION_H
#define HELLO_INSTRUCTION_H

#include "gtx_sdk.h"

enum HelloInstruction {
  // Logs a greeting and reads an account.
  //   0. [signer] greeter
  //   1. []       any account to describe (its lamports and data length are logged)
  // Data: tag only.
  HELLO_GREET = 0,

  // Moves lamports out of the greeter's vault, a PDA of ("vault", authority), by a CPI into
  // the system program signed with the vault's seeds.
  //   0. [signer]   authority
  //   1. [writable] vault PDA
  //   2. [writable] recipient
  //   3. []         system program
  // Data: tag, bump (u8), lamports (u64 little-endian).
  HELLO_WITHDRAW = 1,
};

#define HELLO_WITHDRAW_DATA_LEN (1 + 1 + 8)
#define HELLO_VAULT_SEED "vault"

uint64_t hello_greet(const GtxParameters *params);
uint64_t hello_withdraw(const GtxParameters *params);

#endif
