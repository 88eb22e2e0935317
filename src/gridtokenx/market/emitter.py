"""Builds the events of one command, numbering them with the market's sequence and trade ids."""

from __future__ import annotations

from gridtokenx.core.units import GxtAmount, PricePerKwh
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


class Emitter:
    """Appends events to ``events``; the two counters persist across commands.

    The engine hands the list out after each command and starts a new one, so the counters are
    the only state that outlives a command (and they are part of every snapshot).
    """

    __slots__ = ("events", "last_sequence", "last_trade_id")

    def __init__(self, last_sequence: int, last_trade_id: int) -> None:
        self.events: list[Event] = []
        self.last_sequence = last_sequence
        self.last_trade_id = last_trade_id

    def take(self) -> list[Event]:
        """The events emitted since the last call."""
        events = self.events
        self.events = []
        return events

    def accepted(self, order_id: int, owner: str, side: Side, price: int, quantity: int) -> None:
        sequence = self.last_sequence = self.last_sequence + 1
        self.events.append(
            OrderAccepted(sequence, order_id, owner, side, PricePerKwh(price), GxtAmount(quantity))
        )

    def rejected(self, order_id: int | None, reason: RejectReason, message: str) -> None:
        sequence = self.last_sequence = self.last_sequence + 1
        self.events.append(CommandRejected(sequence, order_id, reason, message))

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
        self.last_trade_id += 1
        self.events.append(
            Trade(
                sequence,
                self.last_trade_id,
                buy_order_id,
                sell_order_id,
                PricePerKwh(price),
                GxtAmount(quantity),
                maker_side,
                timestamp_ms,
            )
        )

    def filled(self, order_id: int) -> None:
        sequence = self.last_sequence = self.last_sequence + 1
        self.events.append(OrderFilled(sequence, order_id))

    def cancelled(self, order_id: int, quantity: int, reason: CancelReason) -> None:
        sequence = self.last_sequence = self.last_sequence + 1
        self.events.append(OrderCancelled(sequence, order_id, GxtAmount(quantity), reason))

    def expired(self, order_id: int, quantity: int, timestamp_ms: int) -> None:
        sequence = self.last_sequence = self.last_sequence + 1
        self.events.append(OrderExpired(sequence, order_id, GxtAmount(quantity), timestamp_ms))

    def delta(self, side: Side, level: PriceLevel) -> None:
        sequence = self.last_sequence = self.last_sequence + 1
        self.events.append(
            BookDelta(
                sequence,
                side,
                PricePerKwh(level.price),
                GxtAmount(level.quantity),
                level.count,
            )
        )

    def auction_cleared(self, timestamp_ms: int, price: int | None, volume: int) -> None:
        sequence = self.last_sequence = self.last_sequence + 1
        cleared_price = None if price is None else PricePerKwh(price)
        self.events.append(AuctionCleared(sequence, timestamp_ms, cleared_price, GxtAmount(volume)))
