"""The inputs of a statement: a user's fills and mints as the ledgers recorded them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Side = Literal["buy", "sell"]
FillStatus = Literal["settled", "pending", "submitted", "rejected"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FillLine:
    """One side of a matched trade that belongs to one of the user's wallets.

    ``quantity`` is GXT base units (1 kWh = 10**6), ``price_per_kwh`` USDC base units per kWh,
    ``timestamp_ms`` when the matcher made the trade. ``settlement_signature`` is the Trading
    ``settle`` transaction that moved it on chain (``None`` until it is settled);
    ``claim_signature`` the ``claim`` the settlement service cranked for this order after that
    batch, which paid the order's claimables (this fill's and any others not yet paid) to the
    wallet — ``None`` if the owner claimed or cancelled first, or no claim ran yet."""

    market: str
    trade_id: int
    side: Side
    order: str
    wallet: str
    price_per_kwh: int
    quantity: int
    timestamp_ms: int
    status: FillStatus
    settlement_signature: str | None = None
    settled_slot: int | None = None
    claim_signature: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MintLine:
    """GXT minted for one of the user's meters from one signed reading: ``minted_wh`` watt-hours
    of exported energy (``minted_wh * 1000`` GXT base units), read at ``timestamp_ms``, by the
    Registry ``mint_from_reading`` transaction ``signature``."""

    meter_id: str
    wallet: str
    minted_wh: int
    timestamp_ms: int
    signature: str
