"""The Trading program's derived addresses; each returns ``(address, bump)``."""

from __future__ import annotations

from solders.pubkey import Pubkey

MARKET_SEED = b"market"
VAULT_SEED = b"vault"
ORDER_SEED = b"order"


def market_address(
    program_id: Pubkey, energy_mint: Pubkey, quote_mint: Pubkey
) -> tuple[Pubkey, int]:
    return Pubkey.find_program_address(
        [MARKET_SEED, bytes(energy_mint), bytes(quote_mint)], program_id
    )


def vault_address(program_id: Pubkey, market: Pubkey, mint: Pubkey) -> tuple[Pubkey, int]:
    """The market's token account for ``mint``; its token owner is the market PDA."""
    return Pubkey.find_program_address([VAULT_SEED, bytes(market), bytes(mint)], program_id)


def order_address(
    program_id: Pubkey, market: Pubkey, owner: Pubkey, order_id: int
) -> tuple[Pubkey, int]:
    return Pubkey.find_program_address(
        [ORDER_SEED, bytes(market), bytes(owner), order_id.to_bytes(8, "little")], program_id
    )
