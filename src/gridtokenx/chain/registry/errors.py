"""The Registry program's error codes (``programs/registry/src/error.h`` mirrors them)."""

from __future__ import annotations

from enum import IntEnum, unique


@unique
class RegistryErrorCode(IntEnum):
    NOT_ENOUGH_ACCOUNTS = 6000
    MISSING_SIGNER = 6001
    ACCOUNT_NOT_WRITABLE = 6002
    WRONG_ACCOUNT_OWNER = 6003
    INVALID_ACCOUNT_DATA = 6004
    WRONG_PDA = 6005
    ALREADY_INITIALIZED = 6006
    UNAUTHORIZED = 6007
    INVALID_ARGUMENT = 6008
    USER_NOT_REGISTERED = 6009
    MINT_MISMATCH = 6010
    TOKEN_ACCOUNT_MISMATCH = 6011
    MISSING_ED25519_INSTRUCTION = 6012
    ED25519_OFFSETS_OUTSIDE_INSTRUCTION = 6013
    DEVICE_KEY_MISMATCH = 6014
    MALFORMED_READING = 6015
    METER_ID_MISMATCH = 6016
    METER_NOT_ACTIVE = 6017
    REGISTER_NOT_INCREASING = 6018
    TIMESTAMP_NOT_INCREASING = 6019
    ARITHMETIC_OVERFLOW = 6020
    INVALID_INSTRUCTION_DATA = 6021
    UNKNOWN_INSTRUCTION = 6022
    WRONG_PROGRAM_ID = 6023


REGISTRY_ERROR_MESSAGES: dict[RegistryErrorCode, str] = {
    RegistryErrorCode.NOT_ENOUGH_ACCOUNTS: "the instruction was given fewer accounts than it needs",
    RegistryErrorCode.MISSING_SIGNER: "an account that must sign did not sign",
    RegistryErrorCode.ACCOUNT_NOT_WRITABLE: "an account the instruction changes is not writable",
    RegistryErrorCode.WRONG_ACCOUNT_OWNER: "an account is not owned by the program it must be",
    RegistryErrorCode.INVALID_ACCOUNT_DATA: "an account's data is not the expected account type",
    RegistryErrorCode.WRONG_PDA: "an address does not match the seeds it must derive from",
    RegistryErrorCode.ALREADY_INITIALIZED: "the account to create already exists",
    RegistryErrorCode.UNAUTHORIZED: "the signer is not the registry's grid operator",
    RegistryErrorCode.INVALID_ARGUMENT: "an argument is outside its allowed values",
    RegistryErrorCode.USER_NOT_REGISTERED: "the meter owner has not registered as a user",
    RegistryErrorCode.MINT_MISMATCH: "the mint is not the registry's GXT mint or has the wrong "
    "authority",
    RegistryErrorCode.TOKEN_ACCOUNT_MISMATCH: "the token account is not a GXT account of the "
    "meter's owner",
    RegistryErrorCode.MISSING_ED25519_INSTRUCTION: "no Ed25519 signature check with a signature "
    "for every meter at the given instruction index",
    RegistryErrorCode.ED25519_OFFSETS_OUTSIDE_INSTRUCTION: "an Ed25519 signature's offsets point "
    "outside its own instruction's data",
    RegistryErrorCode.DEVICE_KEY_MISMATCH: "the reading was not signed by the meter's device key",
    RegistryErrorCode.MALFORMED_READING: "the signed message is not a version-1 reading",
    RegistryErrorCode.METER_ID_MISMATCH: "the signed reading is for another meter",
    RegistryErrorCode.METER_NOT_ACTIVE: "the meter is suspended or decommissioned",
    RegistryErrorCode.REGISTER_NOT_INCREASING: "the export register must increase and the import "
    "register must not decrease",
    RegistryErrorCode.TIMESTAMP_NOT_INCREASING: "the reading is not newer than the last one minted",
    RegistryErrorCode.ARITHMETIC_OVERFLOW: "an amount overflowed 64 bits",
    RegistryErrorCode.INVALID_INSTRUCTION_DATA: "the instruction data has the wrong length",
    RegistryErrorCode.UNKNOWN_INSTRUCTION: "the instruction discriminator is not a Registry "
    "instruction",
    RegistryErrorCode.WRONG_PROGRAM_ID: "a program or sysvar account is not the one the "
    "instruction needs (SPL Token, System, Instructions sysvar)",
}
