"""The Registry program's interface: the source of its IDL (``programs/registry/idl.json``)."""

from __future__ import annotations

from gridtokenx.chain.anchor.idl import ProgramInterface
from gridtokenx.chain.anchor.program_errors import idl_errors
from gridtokenx.chain.registry.accounts import MeterAccount, RegistryConfig, UserAccount
from gridtokenx.chain.registry.errors import REGISTRY_ERROR_MESSAGES, RegistryErrorCode
from gridtokenx.chain.registry.instructions import (
    Initialize,
    MintFromReading,
    RegisterMeter,
    RegisterUser,
    RotateDeviceKey,
    SetMeterStatus,
)

REGISTRY_INTERFACE = ProgramInterface(
    name="registry",
    version="0.1.0",
    description="GridTokenX registry: users, meters and GXT minted from meter-signed readings",
    instructions=(
        Initialize,
        RegisterUser,
        RegisterMeter,
        SetMeterStatus,
        RotateDeviceKey,
        MintFromReading,
    ),
    accounts=(RegistryConfig, UserAccount, MeterAccount),
    errors=idl_errors(RegistryErrorCode, REGISTRY_ERROR_MESSAGES),
)
