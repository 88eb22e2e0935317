#include "../instruction.h"

uint64_t pyth_local_update_price(const GtxParameters *params) {
  if (params->account_count < 2) {
    return PYTH_LOCAL_ERROR(NOT_ENOUGH_ACCOUNTS);
  }
  if (params->data_len != PYTH_LOCAL_IX_UPDATE_PRICE_DATA_LEN) {
    return PYTH_LOCAL_ERROR(INVALID_INSTRUCTION_DATA);
  }
  const GtxAccountInfo *feed_account = &params->accounts[0];
  const GtxAccountInfo *write_authority = &params->accounts[1];
  if (!write_authority->is_signer) {
    return PYTH_LOCAL_ERROR(MISSING_SIGNER);
  }
  if (!feed_account->is_writable) {
    return PYTH_LOCAL_ERROR(ACCOUNT_NOT_WRITABLE);
  }
  if (!gtx_pubkey_eq(feed_account->owner, params->program_id)) {
    return PYTH_LOCAL_ERROR(WRONG_ACCOUNT_OWNER);
  }
  // Only this program writes these bytes, and only into an account it created at its feed's
  // PDA, so owner + length + discriminator identify a feed without re-deriving the address.
  uint8_t *data = feed_account->data;
  if (feed_account->data_len != PYTH_LOCAL_ACCOUNT_PRICE_UPDATE_V2_LEN ||
      *(const uint64_t *)data != PYTH_LOCAL_ACCOUNT_PRICE_UPDATE_V2) {
    return PYTH_LOCAL_ERROR(INVALID_ACCOUNT_DATA);
  }
  if (!gtx_bytes_eq(data + PYTH_LOCAL_OFFSET_WRITE_AUTHORITY, write_authority->key,
                    GTX_PUBKEY_BYTES)) {
    return PYTH_LOCAL_ERROR(UNAUTHORIZED);
  }
  int64_t stored = (int64_t)gtx_read_u64_le(data + PYTH_LOCAL_OFFSET_PUBLISH_TIME);
  int64_t publish_time = (int64_t)gtx_read_u64_le(params->data + PYTH_LOCAL_ARG_PUBLISH_TIME);
  if (publish_time <= stored) {
    return PYTH_LOCAL_ERROR(PUBLISH_TIME_NOT_INCREASING);
  }
  GtxClock clock;
  sol_get_clock_sysvar(&clock);
  if (publish_time > clock.unix_timestamp + PYTH_LOCAL_MAX_FUTURE_S) {
    return PYTH_LOCAL_ERROR(PUBLISH_TIME_IN_FUTURE);
  }
  sol_memcpy_(data + PYTH_LOCAL_OFFSET_MESSAGE, params->data + PYTH_LOCAL_ARG_MESSAGE,
              PYTH_LOCAL_MESSAGE_BYTES);
  gtx_write_u64_le(data + PYTH_LOCAL_OFFSET_POSTED_SLOT, clock.slot);
  return GTX_SUCCESS;
}
