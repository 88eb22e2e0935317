#include "../instruction.h"

uint64_t hello_greet(const GtxParameters *params) {
  if (params->account_count < 2) {
    return GTX_ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
  }
  const GtxAccountInfo *greeter = &params->accounts[0];
  const GtxAccountInfo *described = &params->accounts[1];
  if (!greeter->is_signer) {
    return GTX_ERROR_MISSING_REQUIRED_SIGNATURES;
  }
  gtx_log("Hello, GridTokenX");
  sol_log_pubkey(greeter->key);
  sol_log_64_(*described->lamports, described->data_len, described->is_writable,
              described->executable, params->account_count);
  return GTX_SUCCESS;
}
