// SPL Token: the mint and token account layouts, and the CPIs the programs make.
#ifndef GTX_TOKEN_H
#define GTX_TOKEN_H

#include "gtx_bytes.h"
#include "gtx_error.h"
#include "gtx_syscalls.h"

// TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA
static const GtxPubkey GTX_TOKEN_PROGRAM_ID = {{6,   221, 246, 225, 215, 101, 161, 147,
                                                217, 203, 225, 70,  206, 235, 121, 172,
                                                28,  180, 133, 237, 95,  91,  55,  145,
                                                58,  140, 245, 133, 126, 255, 0,   169}};

#define GTX_MINT_LEN 82
#define GTX_MINT_AUTHORITY_TAG_OFFSET 0
#define GTX_MINT_AUTHORITY_OFFSET 4
#define GTX_MINT_DECIMALS_OFFSET 44
#define GTX_MINT_INITIALIZED_OFFSET 45
#define GTX_MINT_FREEZE_TAG_OFFSET 46

#define GTX_TOKEN_ACCOUNT_LEN 165
#define GTX_TOKEN_ACCOUNT_MINT_OFFSET 0
#define GTX_TOKEN_ACCOUNT_OWNER_OFFSET 32
#define GTX_TOKEN_ACCOUNT_AMOUNT_OFFSET 64
#define GTX_TOKEN_ACCOUNT_STATE_OFFSET 108
#define GTX_TOKEN_ACCOUNT_INITIALIZED 1

#define GTX_TOKEN_MINT_TO 7
#define GTX_TOKEN_TRANSFER_CHECKED 12
#define GTX_TOKEN_INITIALIZE_ACCOUNT3 18

// An initialized mint of the token program, with this mint authority and no freeze authority.
static inline bool gtx_token_is_mint_with_authority(const GtxAccountInfo *mint,
                                                    const GtxPubkey *authority) {
  return gtx_pubkey_eq(mint->owner, &GTX_TOKEN_PROGRAM_ID) && mint->data_len == GTX_MINT_LEN &&
         mint->data[GTX_MINT_INITIALIZED_OFFSET] == 1 &&
         gtx_read_u32_le(mint->data + GTX_MINT_AUTHORITY_TAG_OFFSET) == 1 &&
         gtx_pubkey_eq((const GtxPubkey *)(mint->data + GTX_MINT_AUTHORITY_OFFSET), authority) &&
         gtx_read_u32_le(mint->data + GTX_MINT_FREEZE_TAG_OFFSET) == 0;
}

// An initialized (not frozen) token account of the token program for `mint` owned by `owner`.
static inline bool gtx_token_is_account_of(const GtxAccountInfo *account, const GtxPubkey *mint,
                                           const GtxPubkey *owner) {
  return gtx_pubkey_eq(account->owner, &GTX_TOKEN_PROGRAM_ID) &&
         account->data_len == GTX_TOKEN_ACCOUNT_LEN &&
         account->data[GTX_TOKEN_ACCOUNT_STATE_OFFSET] == GTX_TOKEN_ACCOUNT_INITIALIZED &&
         gtx_pubkey_eq((const GtxPubkey *)(account->data + GTX_TOKEN_ACCOUNT_MINT_OFFSET), mint) &&
         gtx_pubkey_eq((const GtxPubkey *)(account->data + GTX_TOKEN_ACCOUNT_OWNER_OFFSET), owner);
}

typedef struct {
  const GtxAccountInfo *mint;         // writable
  const GtxAccountInfo *destination;  // writable token account
  const GtxAccountInfo *authority;    // the mint authority (a PDA signing through `seeds`)
  uint64_t amount;
  const GtxSignerSeeds *seeds;
} GtxMintTo;

static inline uint64_t gtx_token_mint_to(const GtxMintTo *request) {
  uint8_t data[9] = {GTX_TOKEN_MINT_TO};
  gtx_write_u64_le(data + 1, request->amount);
  const GtxAccountMeta metas[3] = {
      {request->mint->key, true, false},
      {request->destination->key, true, false},
      {request->authority->key, false, true},
  };
  const GtxInstruction instruction = {&GTX_TOKEN_PROGRAM_ID, metas, 3, data, sizeof(data)};
  const GtxAccountInfo accounts[3] = {*request->mint, *request->destination, *request->authority};
  return sol_invoke_signed_c(&instruction, accounts, 3, request->seeds,
                             request->seeds == NULL ? 0 : 1);
}

// An initialized SPL Token mint (any authorities).
static inline bool gtx_token_is_mint(const GtxAccountInfo *mint) {
  return gtx_pubkey_eq(mint->owner, &GTX_TOKEN_PROGRAM_ID) && mint->data_len == GTX_MINT_LEN &&
         mint->data[GTX_MINT_INITIALIZED_OFFSET] == 1;
}

// An initialized (not frozen) token account of the token program for `mint`, whoever owns it.
static inline bool gtx_token_is_account_of_mint(const GtxAccountInfo *account,
                                                const GtxPubkey *mint) {
  return gtx_pubkey_eq(account->owner, &GTX_TOKEN_PROGRAM_ID) &&
         account->data_len == GTX_TOKEN_ACCOUNT_LEN &&
         account->data[GTX_TOKEN_ACCOUNT_STATE_OFFSET] == GTX_TOKEN_ACCOUNT_INITIALIZED &&
         gtx_pubkey_eq((const GtxPubkey *)(account->data + GTX_TOKEN_ACCOUNT_MINT_OFFSET), mint);
}

// The balance of a token account already checked with gtx_token_is_account_of.
static inline uint64_t gtx_token_amount(const GtxAccountInfo *account) {
  return gtx_read_u64_le(account->data + GTX_TOKEN_ACCOUNT_AMOUNT_OFFSET);
}

typedef struct {
  const GtxAccountInfo *source;       // writable token account
  const GtxAccountInfo *mint;         // the accounts' mint (TransferChecked verifies it)
  const GtxAccountInfo *destination;  // writable token account
  const GtxAccountInfo *authority;    // the source's owner: a signer, or a PDA signing by `seeds`
  uint64_t amount;
  uint8_t decimals;
  const GtxSignerSeeds *seeds;        // NULL when the authority signed the transaction
} GtxTransferChecked;

static inline uint64_t gtx_token_transfer_checked(const GtxTransferChecked *request) {
  uint8_t data[10] = {GTX_TOKEN_TRANSFER_CHECKED};
  gtx_write_u64_le(data + 1, request->amount);
  data[9] = request->decimals;
  const GtxAccountMeta metas[4] = {
      {request->source->key, true, false},
      {request->mint->key, false, false},
      {request->destination->key, true, false},
      {request->authority->key, false, true},
  };
  const GtxInstruction instruction = {&GTX_TOKEN_PROGRAM_ID, metas, 4, data, sizeof(data)};
  const GtxAccountInfo accounts[4] = {*request->source, *request->mint, *request->destination,
                                      *request->authority};
  return sol_invoke_signed_c(&instruction, accounts, 4, request->seeds,
                             request->seeds == NULL ? 0 : 1);
}

// InitializeAccount3: makes `account` (already allocated with GTX_TOKEN_ACCOUNT_LEN bytes and
// owned by the token program) a token account of `mint` whose owner is `owner`.
static inline uint64_t gtx_token_initialize_account3(const GtxAccountInfo *account,
                                                     const GtxAccountInfo *mint,
                                                     const GtxPubkey *owner) {
  uint8_t data[1 + GTX_PUBKEY_BYTES] = {GTX_TOKEN_INITIALIZE_ACCOUNT3};
  sol_memcpy_(data + 1, owner, GTX_PUBKEY_BYTES);
  const GtxAccountMeta metas[2] = {{account->key, true, false}, {mint->key, false, false}};
  const GtxInstruction instruction = {&GTX_TOKEN_PROGRAM_ID, metas, 2, data, sizeof(data)};
  const GtxAccountInfo accounts[2] = {*account, *mint};
  return sol_invoke_signed_c(&instruction, accounts, 2, NULL, 0);
}

#endif
