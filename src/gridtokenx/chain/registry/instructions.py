"""The Registry program's instructions, their arguments and accounts (docs/onchain.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID
from solders.sysvar import INSTRUCTIONS as INSTRUCTIONS_SYSVAR_ID
from solders.token import ID as TOKEN_PROGRAM_ID

from gridtokenx.chain.anchor.layout import (
    PUBKEY,
    U8,
    U16,
    U32,
    AccountSpec,
    AnchorInstruction,
    ByteArray,
)

_SYSTEM = AccountSpec("system_program", address=SYSTEM_PROGRAM_ID)
_TOKEN = AccountSpec("token_program", address=TOKEN_PROGRAM_ID)


@dataclass(frozen=True)
class Initialize(AnchorInstruction):
    """Create the registry's configuration; the signer becomes the grid operator."""

    NAME = "initialize"
    ACCOUNTS = (
        AccountSpec("config", writable=True, docs='PDA ["config"]'),
        AccountSpec("authority", writable=True, signer=True, docs="grid operator; pays"),
        AccountSpec("gxt_mint", docs="mint authority must be the mint_authority PDA"),
        AccountSpec("mint_authority", docs='PDA ["mint_authority"]'),
        _SYSTEM,
    )


@dataclass(frozen=True)
class RegisterUser(AnchorInstruction):
    """Register the signing wallet as a prosumer, consumer or operator."""

    NAME = "register_user"
    ACCOUNTS = (
        AccountSpec("user", writable=True, docs='PDA ["user", wallet]'),
        AccountSpec("wallet", writable=True, signer=True, docs="pays"),
        _SYSTEM,
    )
    role: Annotated[int, U8]


@dataclass(frozen=True)
class RegisterMeter(AnchorInstruction):
    """Commission a meter: its owner signs and the grid operator co-signs."""

    NAME = "register_meter"
    ACCOUNTS = (
        AccountSpec("meter", writable=True, docs='PDA ["meter", meter_id]'),
        AccountSpec("owner", writable=True, signer=True, docs="pays"),
        AccountSpec("owner_user", docs="the owner's user PDA"),
        AccountSpec("config"),
        AccountSpec("authority", signer=True, docs="grid operator co-signature"),
        _SYSTEM,
    )
    meter_id: Annotated[bytes, ByteArray(16)]
    device_pubkey: Annotated[Pubkey, PUBKEY]
    kind: Annotated[int, U8]
    zone: Annotated[int, U32]


@dataclass(frozen=True)
class SetMeterStatus(AnchorInstruction):
    """Suspend, reactivate or decommission a meter (grid operator only)."""

    NAME = "set_meter_status"
    ACCOUNTS = (
        AccountSpec("config"),
        AccountSpec("authority", signer=True),
        AccountSpec("meter", writable=True),
    )
    status: Annotated[int, U8]


@dataclass(frozen=True)
class RotateDeviceKey(AnchorInstruction):
    """Replace a meter's device key (grid operator only)."""

    NAME = "rotate_device_key"
    ACCOUNTS = (
        AccountSpec("config"),
        AccountSpec("authority", signer=True),
        AccountSpec("meter", writable=True),
    )
    new_device_pubkey: Annotated[Pubkey, PUBKEY]


@dataclass(frozen=True)
class MintFromReading(AnchorInstruction):
    """Mint GXT for the export measured since each meter's last accepted reading.

    The Ed25519SigVerify instruction at ``ed25519_instruction_index`` carries one signature per
    meter, in the order of the (meter, token account) pairs that follow the named accounts.
    """

    NAME = "mint_from_reading"
    ACCOUNTS = (
        AccountSpec("config"),
        AccountSpec("mint_authority", docs='PDA ["mint_authority"]'),
        AccountSpec("gxt_mint", writable=True),
        AccountSpec("instructions", address=INSTRUCTIONS_SYSVAR_ID),
        _TOKEN,
    )
    REMAINING_ACCOUNTS = "per meter: meter PDA [writable], owner's GXT token account [writable]"
    ed25519_instruction_index: Annotated[int, U16]
    count: Annotated[int, U8]
