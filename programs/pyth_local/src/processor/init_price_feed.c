#include "../instruction.h"
#include "gtx_system.h"

uint64_t pyth_local_init_price_feed(const GtxParameters *params) {
  if (params->account_count < 4) {
    return PYTH_LOCAL_ERROR(NOT_ENOUGH_ACCOUNTS);
  }
  if (params->data_len != PYTH_LOCAL_IX_INIT_PRICE_FEED_DATA_LEN) {
    return PYTH_LOCAL_ERROR(INVALID_INSTRUCTION_DATA);
  }
  const GtxAccountInfo *feed_account = &params->accounts[0];
  const GtxAccountInfo *write_authority = &params->accounts[1];
  const GtxAccountInfo *payer = &params->accounts[2];
  const GtxAccountInfo *system_program = &params->accounts[3];
  const uint8_t *shard_id = params->data + 8;
  const uint8_t *feed_id = params->data + 10;
  if (!write_authority->is_signer || !payer->is_signer) {
    return PYTH_LOCAL_ERROR(MISSING_SIGNER);
  }
  if (!feed_account->is_writable || !payer->is_writable) {
    return PYTH_LOCAL_ERROR(ACCOUNT_NOT_WRITABLE);
  }
  if (!gtx_pubkey_eq(system_program->key, &GTX_SYSTEM_PROGRAM_ID)) {
    return PYTH_LOCAL_ERROR(WRONG_PROGRAM_ID);
  }
  uint8_t bump;
  GtxSignerSeed seeds[] = {
      {shard_id, 2},
      {feed_id, PYTH_LOCAL_FEED_ID_BYTES},
      {&bump, 1},
  };
  GtxPubkey expected;
  if (sol_try_find_program_address(seeds, 2, params->program_id, &expected, &bump) !=
          GTX_SUCCESS ||
      !gtx_pubkey_eq(&expected, feed_account->key)) {
    return PYTH_LOCAL_ERROR(WRONG_PDA);
  }
  if (gtx_pubkey_eq(feed_account->owner, params->program_id)) {
    return PYTH_LOCAL_ERROR(ALREADY_INITIALIZED);
  }
  const GtxSignerSeeds signer = {seeds, GTX_ARRAY_LEN(seeds)};
  const GtxCreatePda request = {payer, feed_account, PYTH_LOCAL_ACCOUNT_PRICE_UPDATE_V2_LEN,
                                params->program_id, &signer};
  uint64_t result = gtx_create_pda_account(&request);
  if (result != GTX_SUCCESS) {
    return result;
  }
  // The new account is zeroed: no price, publish_time 0, so every reader flags it stale until
  // the first update_price.
  uint8_t *data = feed_account->data;
  *(uint64_t *)data = PYTH_LOCAL_ACCOUNT_PRICE_UPDATE_V2;
  sol_memcpy_(data + PYTH_LOCAL_OFFSET_WRITE_AUTHORITY, write_authority->key, GTX_PUBKEY_BYTES);
  data[PYTH_LOCAL_OFFSET_VERIFICATION] = PYTH_LOCAL_VERIFICATION_FULL;
  sol_memcpy_(data + PYTH_LOCAL_OFFSET_FEED_ID, feed_id, PYTH_LOCAL_FEED_ID_BYTES);
  return GTX_SUCCESS;
}
