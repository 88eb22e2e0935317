"""The Registry program's derived addresses; each returns ``(address, bump)``."""

from __future__ import annotations

from solders.pubkey import Pubkey

CONFIG_SEED = b"config"
MINT_AUTHORITY_SEED = b"mint_authority"
USER_SEED = b"user"
METER_SEED = b"meter"


def config_address(program_id: Pubkey) -> tuple[Pubkey, int]:
    return Pubkey.find_program_address([CONFIG_SEED], program_id)


def mint_authority_address(program_id: Pubkey) -> tuple[Pubkey, int]:
    return Pubkey.find_program_address([MINT_AUTHORITY_SEED], program_id)


def user_address(program_id: Pubkey, wallet: Pubkey) -> tuple[Pubkey, int]:
    return Pubkey.find_program_address([USER_SEED, bytes(wallet)], program_id)


def meter_address(program_id: Pubkey, meter_id: bytes) -> tuple[Pubkey, int]:
    """``meter_id`` is the meter UUID's 16 bytes (``uuid.bytes``)."""
    return Pubkey.find_program_address([METER_SEED, meter_id], program_id)
