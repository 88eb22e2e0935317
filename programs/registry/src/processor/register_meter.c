#include "shared.h"

#define ARG_METER_ID 8
#define ARG_DEVICE_PUBKEY (ARG_METER_ID + REGISTRY_METER_ID_BYTES)
#define ARG_KIND (ARG_DEVICE_PUBKEY + GTX_PUBKEY_BYTES)
#define ARG_ZONE (ARG_KIND + 1)

uint64_t registry_register_meter(const GtxParameters *params) {
  if (params->account_count < 6) {
    return REGISTRY_ERROR(NOT_ENOUGH_ACCOUNTS);
  }
  if (params->data_len != REGISTRY_IX_REGISTER_METER_DATA_LEN) {
    return REGISTRY_ERROR(INVALID_INSTRUCTION_DATA);
  }
  const GtxAccountInfo *meter_account = &params->accounts[0];
  const GtxAccountInfo *owner = &params->accounts[1];
  const GtxAccountInfo *owner_user = &params->accounts[2];
  const GtxAccountInfo *config_account = &params->accounts[3];
  const GtxAccountInfo *authority = &params->accounts[4];
  const GtxAccountInfo *system_program = &params->accounts[5];
  const uint8_t *meter_id = params->data + ARG_METER_ID;
  uint8_t kind = params->data[ARG_KIND];
  if (!owner->is_signer) {
    return REGISTRY_ERROR(MISSING_SIGNER);
  }
  if (!meter_account->is_writable || !owner->is_writable) {
    return REGISTRY_ERROR(ACCOUNT_NOT_WRITABLE);
  }
  if (!gtx_pubkey_eq(system_program->key, &GTX_SYSTEM_PROGRAM_ID)) {
    return REGISTRY_ERROR(WRONG_PROGRAM_ID);
  }
  const RegistryConfig *config;
  uint64_t result = registry_load_config_as_operator(params, config_account, authority, &config);
  if (result != GTX_SUCCESS) {
    return result;
  }
  if (!registry_is_account(params, owner_user, REGISTRY_ACCOUNT_USER_ACCOUNT,
                           REGISTRY_ACCOUNT_USER_ACCOUNT_LEN) ||
      !gtx_pubkey_eq(&((const RegistryUser *)owner_user->data)->wallet, owner->key)) {
    return REGISTRY_ERROR(USER_NOT_REGISTERED);
  }
  if (kind < REGISTRY_METER_SOLAR || kind > REGISTRY_METER_EV_CHARGER) {
    return REGISTRY_ERROR(INVALID_ARGUMENT);
  }
  uint8_t bump;
  GtxSignerSeed seeds[] = {
      {(const uint8_t *)REGISTRY_METER_SEED, sizeof(REGISTRY_METER_SEED) - 1},
      {meter_id, REGISTRY_METER_ID_BYTES},
      {&bump, 1},
  };
  result = registry_find_pda(params, seeds, 2, meter_account, &bump);
  if (result != GTX_SUCCESS) {
    return result;
  }
  const GtxSignerSeeds signer = {seeds, GTX_ARRAY_LEN(seeds)};
  result = registry_create(params, owner, meter_account, sizeof(RegistryMeter), &signer);
  if (result != GTX_SUCCESS) {
    return result;
  }
  RegistryMeter *meter = (RegistryMeter *)meter_account->data;
  meter->discriminator = REGISTRY_ACCOUNT_METER_ACCOUNT;
  sol_memcpy_(meter->meter_id, meter_id, REGISTRY_METER_ID_BYTES);
  meter->owner = *owner->key;
  sol_memcpy_(meter->device_pubkey.bytes, params->data + ARG_DEVICE_PUBKEY, GTX_PUBKEY_BYTES);
  meter->zone = gtx_read_u32_le(params->data + ARG_ZONE);
  meter->kind = kind;
  meter->status = REGISTRY_METER_ACTIVE;
  meter->bump = bump;
  return GTX_SUCCESS;
}
