"""The Trading program's accounts, byte for byte as ``programs/trading/src/state.h`` lays them
out (see docs/onchain.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Annotated

from solders.pubkey import Pubkey

from gridtokenx.chain.anchor.layout import I64, PUBKEY, U8, U16, U64, AnchorAccount, ByteArray


class OrderSide(IntEnum):
    BUY = 0
    SELL = 1


@dataclass(frozen=True)
class Market(AnchorAccount):
    operator: Annotated[Pubkey, PUBKEY]
    matcher: Annotated[Pubkey, PUBKEY]
    energy_mint: Annotated[Pubkey, PUBKEY]
    quote_mint: Annotated[Pubkey, PUBKEY]
    energy_vault: Annotated[Pubkey, PUBKEY]
    quote_vault: Annotated[Pubkey, PUBKEY]
    fee_vault: Annotated[Pubkey, PUBKEY]
    fee_bps: Annotated[int, U16]
    bump: Annotated[int, U8]
    energy_vault_bump: Annotated[int, U8]
    quote_vault_bump: Annotated[int, U8]
    reserved: Annotated[bytes, ByteArray(3)] = bytes(3)


@dataclass(frozen=True)
class Order(AnchorAccount):
    market: Annotated[Pubkey, PUBKEY]
    owner: Annotated[Pubkey, PUBKEY]
    order_id: Annotated[int, U64]
    price: Annotated[int, U64]
    """USDC base units per kWh (per 10**6 GXT base units); a limit: a bid's most, an ask's least."""
    quantity: Annotated[int, U64]
    """GXT base units."""
    filled: Annotated[int, U64]
    escrow: Annotated[int, U64]
    """Still locked: GXT for a sell, USDC for a buy."""
    claimable_energy: Annotated[int, U64]
    claimable_quote: Annotated[int, U64]
    expiry: Annotated[int, I64]
    """Unix seconds (the Clock sysvar's); 0 = never."""
    created_at: Annotated[int, I64]
    side: Annotated[int, U8]
    bump: Annotated[int, U8]
    reserved: Annotated[bytes, ByteArray(14)] = bytes(14)

    @property
    def remaining(self) -> int:
        return self.quantity - self.filled
