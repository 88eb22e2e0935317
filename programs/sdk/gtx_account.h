// Closing an account the program owns.
#ifndef GTX_ACCOUNT_H
#define GTX_ACCOUNT_H

#include "gtx_math.h"
#include "gtx_syscalls.h"
#include "gtx_system.h"

// The aligned input stores each account's data length just before its data. A CPI that
// resizes an account (e.g. CreateAccount) updates that length, not the program's parsed copy.
static inline uint64_t gtx_serialized_data_len(const GtxAccountInfo *account) {
  return *(const uint64_t *)(account->data - sizeof(uint64_t));
}

// Moves all of `account`'s lamports to `destination` (both writable), shrinks its data to
// nothing and hands it to the System program. Only lamports would leave the bytes readable to
// later instructions of the same transaction (the runtime deletes the account only at the end),
// where a "closed" account could be used again. Returns true when the lamports overflow, and
// then changes nothing.
static inline bool gtx_close_account(GtxAccountInfo *account, const GtxAccountInfo *destination) {
  uint64_t total;
  if (gtx_add_overflow(*destination->lamports, *account->lamports, &total)) {
    return true;
  }
  *destination->lamports = total;
  *account->lamports = 0;
  sol_memset_(account->data, 0, account->data_len);
  // The runtime reads the new length back from the input (and lets the owner change only once
  // the data is empty).
  *(uint64_t *)(account->data - sizeof(uint64_t)) = 0;
  account->data_len = 0;
  sol_memcpy_(account->owner, &GTX_SYSTEM_PROGRAM_ID, GTX_PUBKEY_BYTES);
  return false;
}

#endif
