"""The commands the engine accepts; everything the engine does is a function of their sequence.

Commands are immutable tuples built by the caller (the gateway, a Kafka consumer, a test). The
engine checks every field itself: a command with a wrong type or value is answered with a
:class:`~gridtokenx.market.events.CommandRejected` event, never an exception.
"""

from __future__ import annotations

from typing import NamedTuple

from gridtokenx.core.units import GxtAmount, PricePerKwh
from gridtokenx.market.orders import Side, TimeInForce


class AddOrder(NamedTuple):
    """Place an order.

    Attributes:
        order_id: unique among the orders live in the book (in practice the escrow account's id).
        owner: the account that placed it; self-trade prevention compares owners.
        side: buy or sell.
        price: limit price in USDC base units per kWh, or ``None`` for a market order (IOC or
            FOK, bounded by the market's protection band).
        quantity: GXT base units, 1..2**64-1.
        timestamp_ms: unix milliseconds; never earlier than the previous command's.
        time_in_force: GTC (default), IOC or FOK.
        post_only: reject the order instead of letting it take liquidity.
        expiry_ms: unix milliseconds from which a GTC order is no longer live; ``None`` = never.
    """

    order_id: int
    owner: str
    side: Side
    price: PricePerKwh | None
    quantity: GxtAmount
    timestamp_ms: int
    time_in_force: TimeInForce = TimeInForce.GTC
    post_only: bool = False
    expiry_ms: int | None = None


class CancelOrder(NamedTuple):
    """Cancel the live order ``order_id``; its unfilled quantity is released."""

    order_id: int


class AdvanceTime(NamedTuple):
    """Move the clock to ``timestamp_ms``: expire orders and run auction clearings that are due."""

    timestamp_ms: int


Command = AddOrder | CancelOrder | AdvanceTime
"""Any command :meth:`~gridtokenx.market.engine.MatchingEngine.apply` accepts."""
