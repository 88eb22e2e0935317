// Checks every Registry handler shares: accounts owned and typed as expected, PDAs, config.
#ifndef REGISTRY_SHARED_H
#define REGISTRY_SHARED_H

#include "../instruction.h"
#include "gtx_system.h"
#include "gtx_token.h"

// Account data is 8-byte aligned in the program input, so the discriminator loads as a u64.
static inline bool registry_is_account(const GtxParameters *params, const GtxAccountInfo *account,
                                       uint64_t discriminator, uint64_t len) {
  return gtx_pubkey_eq(account->owner, params->program_id) && account->data_len == len &&
         *(const uint64_t *)account->data == discriminator;
}

static inline uint64_t registry_load_config(const GtxParameters *params,
                                            const GtxAccountInfo *account,
                                            const RegistryConfig **config) {
  if (!gtx_pubkey_eq(account->owner, params->program_id)) {
    return REGISTRY_ERROR(WRONG_ACCOUNT_OWNER);
  }
  if (!registry_is_account(params, account, REGISTRY_ACCOUNT_REGISTRY_CONFIG,
                           REGISTRY_ACCOUNT_REGISTRY_CONFIG_LEN)) {
    return REGISTRY_ERROR(INVALID_ACCOUNT_DATA);
  }
  *config = (const RegistryConfig *)account->data;
  return GTX_SUCCESS;
}

// The config, checking that `authority` is its grid operator and signed.
static inline uint64_t registry_load_config_as_operator(const GtxParameters *params,
                                                        const GtxAccountInfo *config_account,
                                                        const GtxAccountInfo *authority,
                                                        const RegistryConfig **config) {
  if (!authority->is_signer) {
    return REGISTRY_ERROR(MISSING_SIGNER);
  }
  uint64_t result = registry_load_config(params, config_account, config);
  if (result != GTX_SUCCESS) {
    return result;
  }
  if (!gtx_pubkey_eq(authority->key, &(*config)->authority)) {
    return REGISTRY_ERROR(UNAUTHORIZED);
  }
  return GTX_SUCCESS;
}

// For the operator's meter maintenance: accounts 0 config, 1 authority [signer], 2 meter [w].
static inline uint64_t registry_load_meter_as_operator(const GtxParameters *params,
                                                       uint64_t data_len, RegistryMeter **meter) {
  if (params->account_count < 3) {
    return REGISTRY_ERROR(NOT_ENOUGH_ACCOUNTS);
  }
  if (params->data_len != data_len) {
    return REGISTRY_ERROR(INVALID_INSTRUCTION_DATA);
  }
  const GtxAccountInfo *meter_account = &params->accounts[2];
  const RegistryConfig *config;
  uint64_t result = registry_load_config_as_operator(params, &params->accounts[0],
                                                     &params->accounts[1], &config);
  if (result != GTX_SUCCESS) {
    return result;
  }
  if (!meter_account->is_writable) {
    return REGISTRY_ERROR(ACCOUNT_NOT_WRITABLE);
  }
  if (!registry_is_account(params, meter_account, REGISTRY_ACCOUNT_METER_ACCOUNT,
                           REGISTRY_ACCOUNT_METER_ACCOUNT_LEN)) {
    return REGISTRY_ERROR(INVALID_ACCOUNT_DATA);
  }
  *meter = (RegistryMeter *)meter_account->data;
  // Decommissioning is final: a meter taken out of service never mints again.
  if ((*meter)->status == REGISTRY_METER_DECOMMISSIONED) {
    return REGISTRY_ERROR(METER_NOT_ACTIVE);
  }
  return GTX_SUCCESS;
}

// Finds the PDA of `seeds` (without a bump) and checks `account` is it; writes the bump.
static inline uint64_t registry_find_pda(const GtxParameters *params, const GtxSignerSeed *seeds,
                                         uint64_t seed_count, const GtxAccountInfo *account,
                                         uint8_t *bump) {
  GtxPubkey expected;
  if (sol_try_find_program_address(seeds, seed_count, params->program_id, &expected, bump) !=
          GTX_SUCCESS ||
      !gtx_pubkey_eq(&expected, account->key)) {
    return REGISTRY_ERROR(WRONG_PDA);
  }
  return GTX_SUCCESS;
}

// Creates the program-owned account `account` at a PDA whose full seeds (bump last) are given.
static inline uint64_t registry_create(const GtxParameters *params, const GtxAccountInfo *payer,
                                       const GtxAccountInfo *account, uint64_t space,
                                       const GtxSignerSeeds *seeds) {
  if (gtx_pubkey_eq(account->owner, params->program_id)) {
    return REGISTRY_ERROR(ALREADY_INITIALIZED);
  }
  const GtxCreatePda request = {payer, account, space, params->program_id, seeds};
  return gtx_create_pda_account(&request);
}

#endif
