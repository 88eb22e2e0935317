// The Registry's accounts. Every u64/i64 sits at an offset divisible by 8, so these structs
// have no padding and match the Borsh layouts of the IDL byte for byte (docs/onchain.md).
#ifndef REGISTRY_STATE_H
#define REGISTRY_STATE_H

#include "gtx_bytes.h"
#include "gtx_sdk.h"
#include "interface.h"

#define REGISTRY_CONFIG_SEED "config"
#define REGISTRY_MINT_AUTHORITY_SEED "mint_authority"
#define REGISTRY_USER_SEED "user"
#define REGISTRY_METER_SEED "meter"
#define REGISTRY_METER_ID_BYTES 16
// 1 GXT = 1 kWh = 10^6 base units, so one Wh is 1 000 base units.
#define REGISTRY_GXT_BASE_UNITS_PER_WH 1000
#define REGISTRY_GXT_DECIMALS 6

enum RegistryRole { REGISTRY_ROLE_PROSUMER = 1, REGISTRY_ROLE_CONSUMER = 2 };

enum RegistryMeterKind {
  REGISTRY_METER_SOLAR = 1,
  REGISTRY_METER_CONSUMER = 2,
  REGISTRY_METER_SOLAR_BATTERY = 3,
  REGISTRY_METER_EV_CHARGER = 4,
};

enum RegistryMeterStatus {
  REGISTRY_METER_ACTIVE = 1,
  REGISTRY_METER_SUSPENDED = 2,
  REGISTRY_METER_DECOMMISSIONED = 3,
};

typedef struct {
  uint64_t discriminator;
  GtxPubkey authority;  // the grid operator
  GtxPubkey gxt_mint;
  uint8_t bump;
  uint8_t mint_authority_bump;
  uint8_t reserved[6];
} RegistryConfig;
_Static_assert(sizeof(RegistryConfig) == REGISTRY_ACCOUNT_REGISTRY_CONFIG_LEN, "config layout");

typedef struct {
  uint64_t discriminator;
  GtxPubkey wallet;
  int64_t registered_at;  // unix seconds
  uint8_t role;
  uint8_t bump;
  uint8_t reserved[6];
} RegistryUser;
_Static_assert(sizeof(RegistryUser) == REGISTRY_ACCOUNT_USER_ACCOUNT_LEN, "user layout");

typedef struct {
  uint64_t discriminator;
  uint8_t meter_id[REGISTRY_METER_ID_BYTES];
  GtxPubkey owner;
  GtxPubkey device_pubkey;
  uint64_t last_export_wh;
  uint64_t last_import_wh;
  int64_t last_timestamp_ms;
  uint64_t minted_wh;
  uint32_t zone;
  uint8_t kind;
  uint8_t status;
  uint8_t bump;
  uint8_t reserved[9];
} RegistryMeter;
_Static_assert(sizeof(RegistryMeter) == REGISTRY_ACCOUNT_METER_ACCOUNT_LEN, "meter layout");

#endif
