"""Builds the events of one command, numbering them with the market's sequence and trade ids.

Events are built with ``tuple.__new__(EventType, fields)``, which is what a ``NamedTuple``'s
generated ``__new__`` does after a Python-level call; skipping that call halves the cost of an
event (about 130 ns instead of 250 ns for five fields on CPython 3.11). The field order is the
class's, checked by the golden and property tests. The matching loop
(:func:`~gridtokenx.market.continuous.match_incoming`) and the engine's add and cancel paths
build their events the same way inline, appending to :attr:`Emitter.events` and advancing
:attr:`Emitter.last_sequence` themselves.
"""

from __future__ import annotations

from typing import Final

from gridtokenx.market.book import PriceLevel
from gridtokenx.market.events import (
    AuctionCleared,
    BookDelta,
    CancelReason,
    CommandRejected,
    Event,
    OrderAccepted,
    OrderCancelled,
    OrderExpired,
    OrderFilled,
    RejectReason,
    Trade,
)
from gridtokenx.market.orders import Side

new_event: Final = tuple.__new__
"""``new_event(EventType, (field, ...))``: an event without the NamedTuple's Python-level call."""


class Emitter:
    """Appends events to ``events``; the two counters persist across commands.

    The engine hands the list out after each command and puts a new one in its place, so the
    counters are the only state that outlives a command (and they are part of every snapshot).
    """

    __slots__ = ("events", "last_sequence", "last_trade_id")

    def __init__(self, last_sequence: int, last_trade_id: int) -> None:
        self.events: list[Event] = []
        self.last_sequence = last_sequence
        self.last_trade_id = last_trade_id

    def accepted(self, order_id: int, owner: str, side: Side, price: int, quantity: int) -> None:
        sequence = self.last_sequence = self.last_sequence + 1
        self.events.append(
            new_event(OrderAccepted, (sequence, order_id, owner, side, price, quantity))
        )

    def rejected(self, order_id: int | None, reason: RejectReason, message: str) -> None:
        sequence = self.last_sequence = self.last_sequence + 1
        self.events.append(new_event(CommandRejected, (sequence, order_id, reason, message)))

    def trade(
        self,
        buy_order_id: int,
        sell_order_id: int,
        price: int,
        quantity: int,
        maker_side: Side | None,
        timestamp_ms: int,
    ) -> None:
        sequence = self.last_sequence = self.last_sequence + 1
        trade_id = self.last_trade_id = self.last_trade_id + 1
        self.events.append(
            new_event(
                Trade,
                (
                    sequence,
                    trade_id,
                    buy_order_id,
                    sell_order_id,
                    price,
                    quantity,
                    maker_side,
                    timestamp_ms,
                ),
            )
        )

    def filled(self, order_id: int) -> None:
        sequence = self.last_sequence = self.last_sequence + 1
        self.events.append(new_event(OrderFilled, (sequence, order_id)))

    def cancelled(self, order_id: int, quantity: int, reason: CancelReason) -> None:
        sequence = self.last_sequence = self.last_sequence + 1
        self.events.append(new_event(OrderCancelled, (sequence, order_id, quantity, reason)))

    def expired(self, order_id: int, quantity: int, timestamp_ms: int) -> None:
        sequence = self.last_sequence = self.last_sequence + 1
        self.events.append(new_event(OrderExpired, (sequence, order_id, quantity, timestamp_ms)))

    def delta(self, side: Side, level: PriceLevel) -> None:
        sequence = self.last_sequence = self.last_sequence + 1
        self.events.append(
            new_event(BookDelta, (sequence, side, level.price, level.quantity, level.count))
        )

    def auction_cleared(self, timestamp_ms: int, price: int | None, volume: int) -> None:
        sequence = self.last_sequence = self.last_sequence + 1
        self.events.append(new_event(AuctionCleared, (sequence, timestamp_ms, price, volume)))
