"""Event followers for property tests: per-order accounting and a depth replica.

:class:`OrderLedger` follows every accepted order through the events: at every point,
``filled + cancelled + expired + resting == accepted quantity``, using only the events (and the
engine's open-order query for ``resting``). Each trade is checked as it is recorded: a buy
against a sell, of different owners, at a price within both limits, for a positive quantity.
:class:`DepthReplica` rebuilds the levels from the book deltas, as the market-data feed will.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridtokenx.market import (
    BookDelta,
    Event,
    MatchingEngine,
    OrderAccepted,
    OrderCancelled,
    OrderExpired,
    Side,
    Trade,
)


@dataclass
class Account:
    """What happened to one accepted order, from the events alone."""

    owner: str
    side: Side
    limit_price: int
    quantity: int
    filled: int = 0
    cancelled: int = 0
    expired: int = 0

    @property
    def settled(self) -> int:
        return self.filled + self.cancelled + self.expired


class OrderLedger:
    def __init__(self) -> None:
        self.accounts: dict[int, Account] = {}

    def record(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, OrderAccepted):
                previous = self.accounts.get(event.order_id)
                if previous is not None:  # a re-used id: the earlier order must be finished
                    assert previous.settled == previous.quantity
                self.accounts[event.order_id] = Account(
                    event.owner, event.side, event.price, event.quantity
                )
            elif isinstance(event, Trade):
                self._record_trade(event)
            elif isinstance(event, OrderCancelled):
                self.accounts[event.order_id].cancelled += event.quantity
            elif isinstance(event, OrderExpired):
                self.accounts[event.order_id].expired += event.quantity

    def _record_trade(self, trade: Trade) -> None:
        buy = self.accounts[trade.buy_order_id]
        sell = self.accounts[trade.sell_order_id]
        assert (buy.side, sell.side) == (Side.BUY, Side.SELL)
        assert sell.limit_price <= trade.price <= buy.limit_price
        assert buy.owner != sell.owner
        assert trade.quantity > 0
        buy.filled += trade.quantity
        sell.filled += trade.quantity

    def check_conservation(self, engine: MatchingEngine) -> None:
        for order_id, account in self.accounts.items():
            live = engine.open_order(order_id)
            resting = 0 if live is None else live.remaining
            assert account.settled + resting == account.quantity, order_id


class DepthReplica:
    """The book's levels as a feed consumer rebuilds them from ``BookDelta`` events alone."""

    def __init__(self) -> None:
        self.levels: dict[tuple[Side, int], tuple[int, int]] = {}

    def record(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, BookDelta):
                self.levels[(event.side, event.price)] = (event.quantity, event.order_count)

    def check_against(self, engine: MatchingEngine) -> None:
        """The replica, the engine's depth query and the open orders all show the same levels."""
        from_deltas = {key: level for key, level in self.levels.items() if level[1]}
        from_depth = {
            (side, level.price): (level.quantity, level.order_count)
            for side in (Side.BUY, Side.SELL)
            for level in engine.depth(side)
        }
        from_orders: dict[tuple[Side, int], tuple[int, int]] = {}
        for live in engine.open_orders():
            quantity, count = from_orders.get((live.side, live.price), (0, 0))
            from_orders[(live.side, live.price)] = (quantity + live.remaining, count + 1)
        assert from_deltas == from_depth == from_orders
