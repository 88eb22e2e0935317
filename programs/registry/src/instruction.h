// The Registry's instructions: 8-byte Anchor discriminator, then Borsh arguments.
#ifndef REGISTRY_INSTRUCTION_H
#define REGISTRY_INSTRUCTION_H

#include "state.h"

#define REGISTRY_ERROR(name) GTX_CUSTOM_ERROR(REGISTRY_ERROR_##name)

// initialize()
//   0. [writable]         config PDA ["config"]
//   1. [signer, writable] authority: the grid operator; pays
//   2. []                 GXT mint: authority = mint authority PDA, 6 decimals, no freeze authority
//   3. []                 mint authority PDA ["mint_authority"]
//   4. []                 System program
uint64_t registry_initialize(const GtxParameters *params);

// register_user(role: u8)  role 1 prosumer, 2 consumer
//   0. [writable]         user PDA ["user", wallet]
//   1. [signer, writable] wallet; pays
//   2. []                 System program
uint64_t registry_register_user(const GtxParameters *params);

// register_meter(meter_id: [u8; 16], device_pubkey: Pubkey, kind: u8, zone: u32)
//   0. [writable]         meter PDA ["meter", meter_id]
//   1. [signer, writable] owner; pays
//   2. []                 owner's user PDA
//   3. []                 config
//   4. [signer]           authority: the grid operator's commissioning co-signature
//   5. []                 System program
uint64_t registry_register_meter(const GtxParameters *params);

// set_meter_status(status: u8)  /  rotate_device_key(new_device_pubkey: Pubkey)
//   0. []         config
//   1. [signer]   authority
//   2. [writable] meter
uint64_t registry_set_meter_status(const GtxParameters *params);
uint64_t registry_rotate_device_key(const GtxParameters *params);

// mint_from_reading(ed25519_instruction_index: u16, count: u8)
//   0. []         config
//   1. []         mint authority PDA
//   2. [writable] GXT mint
//   3. []         Instructions sysvar
//   4. []         SPL Token program
//   then `count` pairs: [writable] meter, [writable] the owner's GXT token account
uint64_t registry_mint_from_reading(const GtxParameters *params);

#endif
