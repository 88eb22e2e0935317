#include "shared.h"

uint64_t registry_register_user(const GtxParameters *params) {
  if (params->account_count < 3) {
    return REGISTRY_ERROR(NOT_ENOUGH_ACCOUNTS);
  }
  if (params->data_len != REGISTRY_IX_REGISTER_USER_DATA_LEN) {
    return REGISTRY_ERROR(INVALID_INSTRUCTION_DATA);
  }
  const GtxAccountInfo *user_account = &params->accounts[0];
  const GtxAccountInfo *wallet = &params->accounts[1];
  const GtxAccountInfo *system_program = &params->accounts[2];
  uint8_t role = params->data[8];
  if (!wallet->is_signer) {
    return REGISTRY_ERROR(MISSING_SIGNER);
  }
  if (!user_account->is_writable || !wallet->is_writable) {
    return REGISTRY_ERROR(ACCOUNT_NOT_WRITABLE);
  }
  if (!gtx_pubkey_eq(system_program->key, &GTX_SYSTEM_PROGRAM_ID)) {
    return REGISTRY_ERROR(WRONG_PROGRAM_ID);
  }
  // Operators are not self-appointed: the grid operator is the config's authority.
  if (role != REGISTRY_ROLE_PROSUMER && role != REGISTRY_ROLE_CONSUMER) {
    return REGISTRY_ERROR(INVALID_ARGUMENT);
  }
  uint8_t bump;
  GtxSignerSeed seeds[] = {
      {(const uint8_t *)REGISTRY_USER_SEED, sizeof(REGISTRY_USER_SEED) - 1},
      {wallet->key->bytes, GTX_PUBKEY_BYTES},
      {&bump, 1},
  };
  uint64_t result = registry_find_pda(params, seeds, 2, user_account, &bump);
  if (result != GTX_SUCCESS) {
    return result;
  }
  const GtxSignerSeeds signer = {seeds, GTX_ARRAY_LEN(seeds)};
  result = registry_create(params, wallet, user_account, sizeof(RegistryUser), &signer);
  if (result != GTX_SUCCESS) {
    return result;
  }
  GtxClock clock;
  sol_get_clock_sysvar(&clock);
  RegistryUser *user = (RegistryUser *)user_account->data;
  user->discriminator = REGISTRY_ACCOUNT_USER_ACCOUNT;
  user->wallet = *wallet->key;
  user->registered_at = clock.unix_timestamp;
  user->role = role;
  user->bump = bump;
  return GTX_SUCCESS;
}
