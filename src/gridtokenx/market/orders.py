"""Order sides, time-in-force values and the read-only views of live orders and price levels.

The book's own record of a resting order is :class:`gridtokenx.market.book.RestingOrder`.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

from gridtokenx.core.units import GxtAmount, PricePerKwh


class Side(enum.StrEnum):
    """Which way an order trades energy: a buyer pays USDC for GXT, a seller the reverse."""

    BUY = "buy"
    SELL = "sell"


class TimeInForce(enum.StrEnum):
    """How long the unfilled part of an order lives."""

    GTC = "gtc"
    """Good till cancelled (or until ``expiry_ms`` if one is given): the rest joins the book."""

    IOC = "ioc"
    """Immediate or cancel: fill what can be now (or at the next auction), cancel the rest."""

    FOK = "fok"
    """Fill or kill: fill all of it at once, or reject it with no effect (continuous mode only)."""


class OpenOrder(NamedTuple):
    """A read-only view of a live order, as queries and snapshots show it.

    ``remaining`` is the unfilled quantity in GXT base units; ``arrival`` is the engine's
    arrival number, which orders time priority within a price level.
    """

    order_id: int
    owner: str
    side: Side
    price: PricePerKwh
    remaining: GxtAmount
    time_in_force: TimeInForce
    expiry_ms: int | None
    arrival: int


class DepthLevel(NamedTuple):
    """One price level of the book: total unfilled quantity (GXT base units) and order count."""

    price: PricePerKwh
    quantity: GxtAmount
    order_count: int
