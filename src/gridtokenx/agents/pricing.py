"""Seeded price draws and per-owner order ids (pure).

Price draw
    ``drawn_price(reference, spread_bps, seed, identity, order_id)`` is uniform over the
    integers ``reference ± reference * spread_bps // 10_000`` (at least 1), chosen by
    ``SHA-256("GRIDTOKENX:AGT:1" || seed u64 LE || identity || order_id u64 LE)``: the same seed,
    owner and order id give the same price on every machine, and different owners or orders
    draw independently. Both sides draw around the same reference, so a bid lands above an ask
    about half the time when the reserve and the cap leave room.

Order ids
    An order's id is its placement time in unix milliseconds, bumped above the highest id the
    agent has seen (its open orders on chain and every order it placed in this process):
    ``max(now_ms, highest_seen + 1)``. Ids therefore grow per owner, never repeat within a
    process, and stay unique across restarts as long as the clock does not step back past the
    newest closed order's id. (Reusing the id of a closed order would be accepted on chain,
    since closing frees its address, but the indexer and the matcher would see two orders at
    one address.)
"""

from __future__ import annotations

import hashlib
from typing import Final

from gridtokenx.agents.errors import OrderIdExhaustedError
from gridtokenx.core.units import BPS_DENOMINATOR

PRICE_DRAW_TAG: Final = b"GRIDTOKENX:AGT:1"
U64_LIMIT: Final = 2**64


def spread_half_width(reference_per_kwh: int, spread_bps: int) -> int:
    """How far a draw may move from the reference, in USDC base units per kWh."""
    return reference_per_kwh * spread_bps // BPS_DENOMINATOR


def drawn_price(
    reference_per_kwh: int, spread_bps: int, seed: int, identity: bytes, order_id: int
) -> int:
    """A price within ``reference ± spread`` (at least 1), drawn from the seed, the owner's
    ``identity`` (its public key bytes) and the order id."""
    half = spread_half_width(reference_per_kwh, spread_bps)
    digest = hashlib.sha256(
        PRICE_DRAW_TAG + seed.to_bytes(8, "little") + identity + order_id.to_bytes(8, "little")
    ).digest()
    offset = int.from_bytes(digest[:16], "little") % (2 * half + 1)
    return max(1, reference_per_kwh - half + offset)


def next_order_id(now_ms: int, highest_seen: int) -> int:
    """The id of the next order: the clock in unix ms, above every id already seen."""
    order_id = max(now_ms, highest_seen + 1)
    if order_id >= U64_LIMIT:
        raise OrderIdExhaustedError(
            f"the highest order id seen is {highest_seen}: no u64 id is above it; trade from "
            "another wallet"
        )
    return order_id
