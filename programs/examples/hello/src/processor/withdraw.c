#include "../error.h"
#include "../instruction.h"

#define SYSTEM_TRANSFER_TAG 2
#define SYSTEM_TRANSFER_DATA_LEN (4 + 8)

static const GtxPubkey SYSTEM_PROGRAM_ID = {{0}};

static uint64_t read_u64_le(const uint8_t *bytes) {
  uint64_t value = 0;
  for (int index = 7; index >= 0; index--) {
    value = (value << 8) | bytes[index];
  }
  return value;
}

uint64_t hello_withdraw(const GtxParameters *params) {
  if (params->account_count < 4) {
    return GTX_ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
  }
  if (params->data_len != HELLO_WITHDRAW_DATA_LEN) {
    return GTX_ERROR_INVALID_INSTRUCTION_DATA;
  }
  const GtxAccountInfo *authority = &params->accounts[0];
  const GtxAccountInfo *vault = &params->accounts[1];
  const GtxAccountInfo *recipient = &params->accounts[2];
  const GtxAccountInfo *system_program = &params->accounts[3];
  uint8_t bump = params->data[1];
  uint64_t lamports = read_u64_le(&params->data[2]);

  if (!authority->is_signer) {
    return GTX_ERROR_MISSING_REQUIRED_SIGNATURES;
  }
  if (!vault->is_writable || !recipient->is_writable) {
    return GTX_ERROR_INVALID_ARGUMENT;
  }
  if (!gtx_pubkey_eq(system_program->key, &SYSTEM_PROGRAM_ID)) {
    return GTX_CUSTOM_ERROR(HELLO_ERROR_WRONG_SYSTEM_PROGRAM);
  }
  // The vault must be the system-owned PDA of this authority: a caller-chosen bump is
  // verified with one create_program_address (cheap) instead of a find loop.
  if (!gtx_pubkey_eq(vault->owner, &SYSTEM_PROGRAM_ID)) {
    return GTX_ERROR_ILLEGAL_OWNER;
  }
  const GtxSignerSeed seeds[] = {
      {(const uint8_t *)HELLO_VAULT_SEED, sizeof(HELLO_VAULT_SEED) - 1},
      {authority->key->bytes, GTX_PUBKEY_BYTES},
      {&bump, 1},
  };
  GtxPubkey expected_vault;
  if (sol_create_program_address(seeds, GTX_ARRAY_LEN(seeds), params->program_id,
                                 &expected_vault) != GTX_SUCCESS ||
      !gtx_pubkey_eq(&expected_vault, vault->key)) {
    return GTX_CUSTOM_ERROR(HELLO_ERROR_WRONG_VAULT);
  }
  uint64_t remaining;
  if (gtx_sub_overflow(*vault->lamports, lamports, &remaining)) {
    return GTX_ERROR_INSUFFICIENT_FUNDS;
  }

  uint8_t transfer_data[SYSTEM_TRANSFER_DATA_LEN] = {SYSTEM_TRANSFER_TAG};
  for (int index = 0; index < 8; index++) {
    transfer_data[4 + index] = (uint8_t)(lamports >> (8 * index));
  }
  const GtxAccountMeta metas[] = {
      {vault->key, true, true},
      {recipient->key, true, false},
  };
  const GtxInstruction transfer = {
      .program_id = &SYSTEM_PROGRAM_ID,
      .accounts = metas,
      .account_len = GTX_ARRAY_LEN(metas),
      .data = transfer_data,
      .data_len = sizeof(transfer_data),
  };
  const GtxAccountInfo cpi_accounts[] = {*vault, *recipient};
  const GtxSignerSeeds signers[] = {{seeds, GTX_ARRAY_LEN(seeds)}};
  uint64_t result = sol_invoke_signed_c(&transfer, cpi_accounts, GTX_ARRAY_LEN(cpi_accounts),
                                        signers, GTX_ARRAY_LEN(signers));
  if (result != GTX_SUCCESS) {
    return result;
  }
  gtx_log("vault withdrawal done");
  return GTX_SUCCESS;
}
