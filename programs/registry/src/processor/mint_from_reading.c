#include "shared.h"

// Sysvar1nstructions1111111111111111111111111
static const GtxPubkey INSTRUCTIONS_SYSVAR_ID = {{6,   167, 213, 23,  24,  123, 209, 102,
                                                  53,  218, 212, 4,   85,  253, 194, 192,
                                                  193, 36,  198, 143, 33,  86,  117, 165,
                                                  219, 186, 203, 95,  8,   0,   0,   0}};
// Ed25519SigVerify111111111111111111111111111
static const GtxPubkey ED25519_PROGRAM_ID = {{3,   125, 70,  214, 124, 147, 251, 190,
                                              18,  249, 66,  143, 131, 141, 64,  255,
                                              5,   112, 116, 73,  39,  244, 138, 100,
                                              252, 202, 112, 68,  128, 0,   0,   0}};

#define ED25519_OFFSETS_START 2
#define ED25519_OFFSETS_LEN 14
#define ED25519_THIS_INSTRUCTION 0xffff
#define ED25519_SIGNATURE_LEN 64

// The signed reading (docs/onchain.md): tag, meter id, export Wh, import Wh, unix ms.
#define READING_LEN 56
#define READING_METER_ID 16
#define READING_EXPORT 32
#define READING_IMPORT 40
#define READING_TIMESTAMP 48
static const uint8_t READING_TAG[16] = {'G', 'R', 'I', 'D', 'T', 'O', 'K', 'E',
                                        'N', 'X', ':', 'R', 'D', 'G', ':', '1'};

typedef struct {
  const uint8_t *data;  // the Ed25519 instruction's data
  uint64_t len;
  uint16_t index;  // its position in the transaction
} Ed25519Instruction;

// Locates instruction `index` in the Instructions sysvar and checks it is an Ed25519SigVerify.
// Sysvar layout: u16 count, u16 offsets[count]; at each offset u16 account count, per account
// 1 flag byte + 32-byte key, the 32-byte program id, u16 data length, then the data.
static uint64_t find_ed25519_instruction(const GtxAccountInfo *sysvar, uint16_t index,
                                         Ed25519Instruction *found) {
  const uint8_t *data = sysvar->data;
  uint64_t len = sysvar->data_len;
  if (len < 2 || index >= gtx_read_u16_le(data) || 2 + 2 * (uint64_t)index + 2 > len) {
    return REGISTRY_ERROR(MISSING_ED25519_INSTRUCTION);
  }
  uint64_t cursor = gtx_read_u16_le(data + 2 + 2 * (uint64_t)index);
  if (cursor + 2 > len) {
    return REGISTRY_ERROR(MISSING_ED25519_INSTRUCTION);
  }
  cursor += 2 + (uint64_t)gtx_read_u16_le(data + cursor) * (1 + GTX_PUBKEY_BYTES);
  if (cursor + GTX_PUBKEY_BYTES + 2 > len ||
      !gtx_pubkey_eq((const GtxPubkey *)(data + cursor), &ED25519_PROGRAM_ID)) {
    return REGISTRY_ERROR(MISSING_ED25519_INSTRUCTION);
  }
  cursor += GTX_PUBKEY_BYTES;
  found->len = gtx_read_u16_le(data + cursor);
  found->data = data + cursor + 2;
  found->index = index;
  if (cursor + 2 + found->len > len) {
    return REGISTRY_ERROR(MISSING_ED25519_INSTRUCTION);
  }
  return GTX_SUCCESS;
}

static bool points_into_itself(const Ed25519Instruction *ed25519, uint16_t instruction_index) {
  return instruction_index == ED25519_THIS_INSTRUCTION || instruction_index == ed25519->index;
}

// Signature `position` of the Ed25519 instruction: its public key and its 56-byte message,
// both inside that instruction's own data (so no other instruction can supply them).
static uint64_t signed_reading(const Ed25519Instruction *ed25519, uint64_t position,
                               const uint8_t **public_key, const uint8_t **message) {
  const uint8_t *offsets = ed25519->data + ED25519_OFFSETS_START + position * ED25519_OFFSETS_LEN;
  uint64_t signature_offset = gtx_read_u16_le(offsets);
  uint64_t key_offset = gtx_read_u16_le(offsets + 4);
  uint64_t message_offset = gtx_read_u16_le(offsets + 8);
  uint64_t message_len = gtx_read_u16_le(offsets + 10);
  if (!points_into_itself(ed25519, gtx_read_u16_le(offsets + 2)) ||
      !points_into_itself(ed25519, gtx_read_u16_le(offsets + 6)) ||
      !points_into_itself(ed25519, gtx_read_u16_le(offsets + 12)) ||
      signature_offset + ED25519_SIGNATURE_LEN > ed25519->len ||
      key_offset + GTX_PUBKEY_BYTES > ed25519->len || message_offset + message_len > ed25519->len) {
    return REGISTRY_ERROR(ED25519_OFFSETS_OUTSIDE_INSTRUCTION);
  }
  if (message_len != READING_LEN ||
      !gtx_bytes_eq(ed25519->data + message_offset, READING_TAG, sizeof(READING_TAG))) {
    return REGISTRY_ERROR(MALFORMED_READING);
  }
  *public_key = ed25519->data + key_offset;
  *message = ed25519->data + message_offset;
  return GTX_SUCCESS;
}

typedef struct {
  const GtxParameters *params;
  const RegistryConfig *config;
  const GtxAccountInfo *gxt_mint;
  const GtxAccountInfo *mint_authority;
  const GtxSignerSeeds *mint_authority_signer;
} MintContext;

static uint64_t mint_one(const MintContext *context, const GtxAccountInfo *meter_account,
                         const GtxAccountInfo *destination, const uint8_t *public_key,
                         const uint8_t *message) {
  if (!meter_account->is_writable || !destination->is_writable) {
    return REGISTRY_ERROR(ACCOUNT_NOT_WRITABLE);
  }
  if (!gtx_pubkey_eq(meter_account->owner, context->params->program_id)) {
    return REGISTRY_ERROR(WRONG_ACCOUNT_OWNER);
  }
  if (!registry_is_account(context->params, meter_account, REGISTRY_ACCOUNT_METER_ACCOUNT,
                           REGISTRY_ACCOUNT_METER_ACCOUNT_LEN)) {
    return REGISTRY_ERROR(INVALID_ACCOUNT_DATA);
  }
  RegistryMeter *meter = (RegistryMeter *)meter_account->data;
  if (meter->status != REGISTRY_METER_ACTIVE) {
    return REGISTRY_ERROR(METER_NOT_ACTIVE);
  }
  if (!gtx_bytes_eq(public_key, meter->device_pubkey.bytes, GTX_PUBKEY_BYTES)) {
    return REGISTRY_ERROR(DEVICE_KEY_MISMATCH);
  }
  if (!gtx_bytes_eq(message + READING_METER_ID, meter->meter_id, REGISTRY_METER_ID_BYTES)) {
    return REGISTRY_ERROR(METER_ID_MISMATCH);
  }
  uint64_t export_wh = gtx_read_u64_le(message + READING_EXPORT);
  uint64_t import_wh = gtx_read_u64_le(message + READING_IMPORT);
  int64_t timestamp_ms = (int64_t)gtx_read_u64_le(message + READING_TIMESTAMP);
  if (export_wh <= meter->last_export_wh || import_wh < meter->last_import_wh) {
    return REGISTRY_ERROR(REGISTER_NOT_INCREASING);
  }
  if (timestamp_ms <= meter->last_timestamp_ms) {
    return REGISTRY_ERROR(TIMESTAMP_NOT_INCREASING);
  }
  // Only the meter's owner may receive what the meter exported.
  if (!gtx_token_is_account_of(destination, &context->config->gxt_mint, &meter->owner)) {
    return REGISTRY_ERROR(TOKEN_ACCOUNT_MISMATCH);
  }
  uint64_t exported_wh = export_wh - meter->last_export_wh;
  uint64_t amount;
  uint64_t minted_wh;
  if (gtx_mul_overflow(exported_wh, REGISTRY_GXT_BASE_UNITS_PER_WH, &amount) ||
      gtx_add_overflow(meter->minted_wh, exported_wh, &minted_wh)) {
    return REGISTRY_ERROR(ARITHMETIC_OVERFLOW);
  }
  meter->last_export_wh = export_wh;
  meter->last_import_wh = import_wh;
  meter->last_timestamp_ms = timestamp_ms;
  meter->minted_wh = minted_wh;
  const GtxMintTo mint_to = {context->gxt_mint, destination, context->mint_authority, amount,
                             context->mint_authority_signer};
  return gtx_token_mint_to(&mint_to);
}

uint64_t registry_mint_from_reading(const GtxParameters *params) {
  if (params->data_len != REGISTRY_IX_MINT_FROM_READING_DATA_LEN) {
    return REGISTRY_ERROR(INVALID_INSTRUCTION_DATA);
  }
  uint16_t ed25519_index = gtx_read_u16_le(params->data + 8);
  uint64_t count = params->data[10];
  if (count == 0) {
    return REGISTRY_ERROR(INVALID_ARGUMENT);
  }
  if (params->account_count < 5 + 2 * count) {
    return REGISTRY_ERROR(NOT_ENOUGH_ACCOUNTS);
  }
  const GtxAccountInfo *config_account = &params->accounts[0];
  const GtxAccountInfo *mint_authority = &params->accounts[1];
  const GtxAccountInfo *gxt_mint = &params->accounts[2];
  const GtxAccountInfo *instructions = &params->accounts[3];
  const GtxAccountInfo *token_program = &params->accounts[4];
  const RegistryConfig *config;
  uint64_t result = registry_load_config(params, config_account, &config);
  if (result != GTX_SUCCESS) {
    return result;
  }
  if (!gtx_pubkey_eq(instructions->key, &INSTRUCTIONS_SYSVAR_ID) ||
      !gtx_pubkey_eq(token_program->key, &GTX_TOKEN_PROGRAM_ID)) {
    return REGISTRY_ERROR(WRONG_PROGRAM_ID);
  }
  if (!gtx_pubkey_eq(gxt_mint->key, &config->gxt_mint)) {
    return REGISTRY_ERROR(MINT_MISMATCH);
  }
  if (!gxt_mint->is_writable) {
    return REGISTRY_ERROR(ACCOUNT_NOT_WRITABLE);
  }
  const GtxSignerSeed seeds[] = {
      {(const uint8_t *)REGISTRY_MINT_AUTHORITY_SEED, sizeof(REGISTRY_MINT_AUTHORITY_SEED) - 1},
      {&config->mint_authority_bump, 1},
  };
  GtxPubkey expected_authority;
  if (sol_create_program_address(seeds, GTX_ARRAY_LEN(seeds), params->program_id,
                                 &expected_authority) != GTX_SUCCESS ||
      !gtx_pubkey_eq(&expected_authority, mint_authority->key)) {
    return REGISTRY_ERROR(WRONG_PDA);
  }
  Ed25519Instruction ed25519;
  result = find_ed25519_instruction(instructions, ed25519_index, &ed25519);
  if (result != GTX_SUCCESS) {
    return result;
  }
  if (ed25519.len < ED25519_OFFSETS_START + count * ED25519_OFFSETS_LEN ||
      ed25519.data[0] < count) {
    return REGISTRY_ERROR(MISSING_ED25519_INSTRUCTION);
  }
  const GtxSignerSeeds signer = {seeds, GTX_ARRAY_LEN(seeds)};
  const MintContext context = {params, config, gxt_mint, mint_authority, &signer};
  for (uint64_t position = 0; position < count; position++) {
    const uint8_t *public_key;
    const uint8_t *message;
    result = signed_reading(&ed25519, position, &public_key, &message);
    if (result != GTX_SUCCESS) {
      return result;
    }
    result = mint_one(&context, &params->accounts[5 + 2 * position],
                      &params->accounts[6 + 2 * position], public_key, message);
    if (result != GTX_SUCCESS) {
      return result;
    }
  }
  return GTX_SUCCESS;
}
