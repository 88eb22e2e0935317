"""The Registry program's accounts, byte for byte as ``programs/registry/src/state.h`` lays
them out (see docs/onchain.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Annotated

from solders.pubkey import Pubkey

from gridtokenx.chain.anchor.layout import I64, PUBKEY, U8, U32, U64, AnchorAccount, ByteArray


class UserRole(IntEnum):
    PROSUMER = 1
    CONSUMER = 2
    OPERATOR = 3


class MeterKind(IntEnum):
    SOLAR = 1
    CONSUMER = 2
    SOLAR_BATTERY = 3
    EV_CHARGER = 4


class MeterStatus(IntEnum):
    ACTIVE = 1
    SUSPENDED = 2
    DECOMMISSIONED = 3


@dataclass(frozen=True)
class RegistryConfig(AnchorAccount):
    authority: Annotated[Pubkey, PUBKEY]
    gxt_mint: Annotated[Pubkey, PUBKEY]
    bump: Annotated[int, U8]
    mint_authority_bump: Annotated[int, U8]
    reserved: Annotated[bytes, ByteArray(6)] = bytes(6)


@dataclass(frozen=True)
class UserAccount(AnchorAccount):
    wallet: Annotated[Pubkey, PUBKEY]
    registered_at: Annotated[int, I64]
    role: Annotated[int, U8]
    bump: Annotated[int, U8]
    reserved: Annotated[bytes, ByteArray(6)] = bytes(6)


@dataclass(frozen=True)
class MeterAccount(AnchorAccount):
    meter_id: Annotated[bytes, ByteArray(16)]
    owner: Annotated[Pubkey, PUBKEY]
    device_pubkey: Annotated[Pubkey, PUBKEY]
    last_export_wh: Annotated[int, U64]
    last_import_wh: Annotated[int, U64]
    last_timestamp_ms: Annotated[int, I64]
    minted_wh: Annotated[int, U64]
    zone: Annotated[int, U32]
    kind: Annotated[int, U8]
    status: Annotated[int, U8]
    bump: Annotated[int, U8]
    reserved: Annotated[bytes, ByteArray(9)] = bytes(9)
