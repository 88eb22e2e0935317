"""The events the engine emits, each stamped with one engine-wide, gapless ``sequence``.

Every event carries ``sequence``: 1, 2, 3, ... across all events of a market, so a consumer
(the Kafka feed, a snapshot reader) knows exactly which events it has applied. Events are
``NamedTuple`` s rather than frozen dataclasses because the engine builds three per command on
average and a ``NamedTuple`` is about 3x cheaper to create (measured: 270 ns against 870 ns with
eight fields on Python 3.11), and the engine skips even the ``NamedTuple``'s Python-level
``__new__`` (see :mod:`~gridtokenx.market.emitter`). The price is that two events of different
types with equal fields compare equal as tuples, so compare ``type`` as well where that matters.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

from gridtokenx.core.units import GxtAmount, PricePerKwh
from gridtokenx.market.orders import Side


class RejectReason(enum.StrEnum):
    """Why a command had no effect at all."""

    MALFORMED_COMMAND = "malformed_command"
    """Not a command, or a field of the wrong type (e.g. a ``float`` quantity, an empty owner)."""

    INVALID_QUANTITY = "invalid_quantity"
    """The quantity is not in 1..2**64-1 GXT base units."""

    INVALID_PRICE = "invalid_price"
    """The limit price is not in 1..2**64-1 USDC base units per kWh."""

    INVALID_EXPIRY = "invalid_expiry"
    """``expiry_ms`` is not after ``timestamp_ms``."""

    TIMESTAMP_REGRESSED = "timestamp_regressed"
    """The command's timestamp is earlier than the engine's clock."""

    DUPLICATE_ORDER_ID = "duplicate_order_id"
    """An order with this id is live in the book."""

    UNKNOWN_ORDER_ID = "unknown_order_id"
    """No live order has this id (never placed, or already filled, cancelled or expired)."""

    UNSUPPORTED_ORDER_TYPE = "unsupported_order_type"
    """A combination the market does not support, e.g. a GTC market order or a FOK in auction."""

    POST_ONLY_WOULD_CROSS = "post_only_would_cross"
    """A post-only order would have taken liquidity."""

    FOK_NOT_FILLABLE = "fok_not_fillable"
    """A fill-or-kill order cannot be filled completely right now."""

    NO_LIQUIDITY = "no_liquidity"
    """A market order found no opposite order to take a reference price from."""


class CancelReason(enum.StrEnum):
    """Why an accepted order lost (part of) its quantity without trading."""

    REQUESTED = "requested"
    """A :class:`~gridtokenx.market.commands.CancelOrder` command."""

    UNFILLED_REMAINDER = "unfilled_remainder"
    """The rest of an IOC or market order after matching (or after the auction it joined)."""

    SELF_TRADE_PREVENTION = "self_trade_prevention"
    """A resting order that an order of the same owner would have traded with."""


class OrderAccepted(NamedTuple):
    """An order passed every check; ``price`` is its limit (a market order's band limit)."""

    sequence: int
    order_id: int
    owner: str
    side: Side
    price: PricePerKwh
    quantity: GxtAmount


class CommandRejected(NamedTuple):
    """A command had no effect; ``order_id`` is ``None`` when the command named no usable id."""

    sequence: int
    order_id: int | None
    reason: RejectReason
    message: str


class Trade(NamedTuple):
    """A fill between a buy and a sell order of different owners.

    ``maker_side`` is the side of the resting order whose price the trade took, or ``None`` for
    an auction trade, where both orders rested and the price is the uniform clearing price.
    """

    sequence: int
    trade_id: int
    buy_order_id: int
    sell_order_id: int
    price: PricePerKwh
    quantity: GxtAmount
    maker_side: Side | None
    timestamp_ms: int


class OrderFilled(NamedTuple):
    """An order has no quantity left: it was filled completely and left the book."""

    sequence: int
    order_id: int


class OrderCancelled(NamedTuple):
    """``quantity`` GXT base units of an order were cancelled; the order has left the book."""

    sequence: int
    order_id: int
    quantity: GxtAmount
    reason: CancelReason


class OrderExpired(NamedTuple):
    """An order reached its ``expiry_ms``; its ``quantity`` left the book untraded."""

    sequence: int
    order_id: int
    quantity: GxtAmount
    timestamp_ms: int


class BookDelta(NamedTuple):
    """The new state of one price level: total quantity and order count (0, 0 = level gone)."""

    sequence: int
    side: Side
    price: PricePerKwh
    quantity: GxtAmount
    order_count: int


class AuctionCleared(NamedTuple):
    """An auction at ``timestamp_ms`` (an interval boundary) executed ``volume`` at ``price``.

    ``price`` is ``None`` when nothing crossed (``volume`` is then 0).
    """

    sequence: int
    timestamp_ms: int
    price: PricePerKwh | None
    volume: GxtAmount


Event = (
    OrderAccepted
    | CommandRejected
    | Trade
    | OrderFilled
    | OrderCancelled
    | OrderExpired
    | BookDelta
    | AuctionCleared
)
"""Any event the engine emits."""
