#include "shared.h"

uint64_t registry_set_meter_status(const GtxParameters *params) {
  RegistryMeter *meter;
  uint64_t result =
      registry_load_meter_as_operator(params, REGISTRY_IX_SET_METER_STATUS_DATA_LEN, &meter);
  if (result != GTX_SUCCESS) {
    return result;
  }
  uint8_t status = params->data[8];
  if (status < REGISTRY_METER_ACTIVE || status > REGISTRY_METER_DECOMMISSIONED) {
    return REGISTRY_ERROR(INVALID_ARGUMENT);
  }
  meter->status = status;
  return GTX_SUCCESS;
}

uint64_t registry_rotate_device_key(const GtxParameters *params) {
  RegistryMeter *meter;
  uint64_t result =
      registry_load_meter_as_operator(params, REGISTRY_IX_ROTATE_DEVICE_KEY_DATA_LEN, &meter);
  if (result != GTX_SUCCESS) {
    return result;
  }
  sol_memcpy_(meter->device_pubkey.bytes, params->data + 8, GTX_PUBKEY_BYTES);
  return GTX_SUCCESS;
}
