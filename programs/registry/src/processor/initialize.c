#include "shared.h"

uint64_t registry_initialize(const GtxParameters *params) {
  if (params->account_count < 5) {
    return REGISTRY_ERROR(NOT_ENOUGH_ACCOUNTS);
  }
  if (params->data_len != REGISTRY_IX_INITIALIZE_DATA_LEN) {
    return REGISTRY_ERROR(INVALID_INSTRUCTION_DATA);
  }
  const GtxAccountInfo *config_account = &params->accounts[0];
  const GtxAccountInfo *authority = &params->accounts[1];
  const GtxAccountInfo *gxt_mint = &params->accounts[2];
  const GtxAccountInfo *mint_authority = &params->accounts[3];
  const GtxAccountInfo *system_program = &params->accounts[4];
  if (!authority->is_signer) {
    return REGISTRY_ERROR(MISSING_SIGNER);
  }
  if (!config_account->is_writable || !authority->is_writable) {
    return REGISTRY_ERROR(ACCOUNT_NOT_WRITABLE);
  }
  if (!gtx_pubkey_eq(system_program->key, &GTX_SYSTEM_PROGRAM_ID)) {
    return REGISTRY_ERROR(WRONG_PROGRAM_ID);
  }
  uint8_t config_bump;
  uint8_t mint_authority_bump;
  const GtxSignerSeed config_seed[] = {
      {(const uint8_t *)REGISTRY_CONFIG_SEED, sizeof(REGISTRY_CONFIG_SEED) - 1}};
  const GtxSignerSeed mint_authority_seed[] = {
      {(const uint8_t *)REGISTRY_MINT_AUTHORITY_SEED, sizeof(REGISTRY_MINT_AUTHORITY_SEED) - 1}};
  uint64_t result = registry_find_pda(params, config_seed, 1, config_account, &config_bump);
  if (result != GTX_SUCCESS) {
    return result;
  }
  result = registry_find_pda(params, mint_authority_seed, 1, mint_authority, &mint_authority_bump);
  if (result != GTX_SUCCESS) {
    return result;
  }
  // The mint must already answer only to this program, or GXT could be minted without evidence.
  if (!gtx_token_is_mint_with_authority(gxt_mint, mint_authority->key) ||
      gxt_mint->data[GTX_MINT_DECIMALS_OFFSET] != REGISTRY_GXT_DECIMALS) {
    return REGISTRY_ERROR(MINT_MISMATCH);
  }
  const GtxSignerSeed seeds[] = {config_seed[0], {&config_bump, 1}};
  const GtxSignerSeeds signer = {seeds, GTX_ARRAY_LEN(seeds)};
  result = registry_create(params, authority, config_account, sizeof(RegistryConfig), &signer);
  if (result != GTX_SUCCESS) {
    return result;
  }
  RegistryConfig *config = (RegistryConfig *)config_account->data;
  config->discriminator = REGISTRY_ACCOUNT_REGISTRY_CONFIG;
  config->authority = *authority->key;
  config->gxt_mint = *gxt_mint->key;
  config->bump = config_bump;
  config->mint_authority_bump = mint_authority_bump;
  return GTX_SUCCESS;
}
