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


class TimeInForce(IntEnum):
    """An order's time in force as the program stores it (``Order.time_in_force``).

    The program only records it; the matcher applies it. A non-GTC order may also be cancelled
    by the market's matcher (the remainder of an IOC order, a post-only order that would have
    taken liquidity): the tokens still only go to the owner.
    """

    GTC = 0
    """Good till cancelled (or until its expiry)."""
    IOC = 1
    """Immediate or cancel: what does not fill at once is cancelled."""
    POST_ONLY = 2
    """Rests in the book as a maker; refused (cancelled) if it would take liquidity."""

    @property
    def label(self) -> str:
        """The name the APIs and the order mirror use: ``gtc``, ``ioc`` or ``post_only``."""
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> TimeInForce:
        return cls[label.upper()]


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
    time_in_force: Annotated[int, U8] = 0
    """A :class:`TimeInForce` value; 0 (GTC) for orders placed with the 33-byte arguments."""
    reserved: Annotated[bytes, ByteArray(13)] = bytes(13)

    @property
    def remaining(self) -> int:
        return self.quantity - self.filled
