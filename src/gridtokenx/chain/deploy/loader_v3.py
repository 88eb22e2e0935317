"""Instructions of the BPF Upgradeable Loader (loader v3), built from their wire format.

Each instruction's data is the bincode encoding of ``UpgradeableLoaderInstruction``: a u32
little-endian variant index, then the variant's fields (u32 and u64 little-endian, byte vectors
prefixed by a u64 length). The account lists follow the loader's documented order.
"""

from __future__ import annotations

import struct

from solders import system_program, sysvar
from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey

LOADER_V3_ID = Pubkey.from_string("BPFLoaderUpgradeab1e11111111111111111111111")

# Serialized sizes of UpgradeableLoaderState variants: a u32 tag plus the variant's fields.
BUFFER_METADATA_LEN = 4 + 1 + 32  # Buffer { authority: Option<Pubkey> }
PROGRAM_ACCOUNT_LEN = 4 + 32  # Program { programdata_address }
PROGRAMDATA_METADATA_LEN = 4 + 8 + 1 + 32  # ProgramData { slot, upgrade_authority }

_INITIALIZE_BUFFER = 0
_WRITE = 1
_DEPLOY_WITH_MAX_DATA_LEN = 2
_UPGRADE = 3


def programdata_address(program_id: Pubkey) -> Pubkey:
    """The ProgramData account the loader derives from a program's address."""
    address, _bump = Pubkey.find_program_address([bytes(program_id)], LOADER_V3_ID)
    return address


def initialize_buffer(buffer: Pubkey, authority: Pubkey) -> Instruction:
    """InitializeBuffer: accounts ``[writable] buffer, [] authority``."""
    return Instruction(
        LOADER_V3_ID,
        struct.pack("<I", _INITIALIZE_BUFFER),
        [
            AccountMeta(buffer, is_signer=False, is_writable=True),
            AccountMeta(authority, is_signer=False, is_writable=False),
        ],
    )


def write(buffer: Pubkey, authority: Pubkey, offset: int, chunk: bytes) -> Instruction:
    """Write ``chunk`` at ``offset`` of the buffer's program bytes: ``[writable] buffer,
    [signer] authority``."""
    data = struct.pack("<IIQ", _WRITE, offset, len(chunk)) + chunk
    return Instruction(
        LOADER_V3_ID,
        data,
        [
            AccountMeta(buffer, is_signer=False, is_writable=True),
            AccountMeta(authority, is_signer=True, is_writable=False),
        ],
    )


def deploy_with_max_data_len(
    payer: Pubkey, program_id: Pubkey, buffer: Pubkey, authority: Pubkey, max_data_len: int
) -> Instruction:
    """DeployWithMaxDataLen: creates ProgramData from the buffer and marks the program
    executable. ``max_data_len`` bounds future upgrades (without ExtendProgram)."""
    accounts = [
        AccountMeta(payer, is_signer=True, is_writable=True),
        AccountMeta(programdata_address(program_id), is_signer=False, is_writable=True),
        AccountMeta(program_id, is_signer=False, is_writable=True),
        AccountMeta(buffer, is_signer=False, is_writable=True),
        AccountMeta(sysvar.RENT, is_signer=False, is_writable=False),
        AccountMeta(sysvar.CLOCK, is_signer=False, is_writable=False),
        AccountMeta(system_program.ID, is_signer=False, is_writable=False),
        AccountMeta(authority, is_signer=True, is_writable=False),
    ]
    # Newer loaders accept a trailing close_buffer flag (SIMD-0430); leaving it out keeps the
    # format every deployed loader understands, and means "close the buffer".
    data = struct.pack("<IQ", _DEPLOY_WITH_MAX_DATA_LEN, max_data_len)
    return Instruction(LOADER_V3_ID, data, accounts)


def upgrade(program_id: Pubkey, buffer: Pubkey, authority: Pubkey, spill: Pubkey) -> Instruction:
    """Upgrade: replace the program's bytes with the buffer's (which the loader closes, paying
    its lamports and the ProgramData's surplus to ``spill``); the program's upgrade authority
    signs."""
    accounts = [
        AccountMeta(programdata_address(program_id), is_signer=False, is_writable=True),
        AccountMeta(program_id, is_signer=False, is_writable=True),
        AccountMeta(buffer, is_signer=False, is_writable=True),
        AccountMeta(spill, is_signer=False, is_writable=True),
        AccountMeta(sysvar.RENT, is_signer=False, is_writable=False),
        AccountMeta(sysvar.CLOCK, is_signer=False, is_writable=False),
        AccountMeta(authority, is_signer=True, is_writable=False),
    ]
    return Instruction(LOADER_V3_ID, struct.pack("<I", _UPGRADE), accounts)
