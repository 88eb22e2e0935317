"""What a channel holds, on both sides of Redis (pure): the feed folds Kafka records into these
views and publishes each change as an update; every gateway worker applies the same updates to
its own copies, so its snapshots equal the feed's.

Sequence rule, the same for every channel: an update carries ``previous`` and ``sequence`` and
applies only to a view at ``previous`` (then the view is at ``sequence``). A view ahead of or at
``sequence`` has it already (stale); a view at another value has missed an update (gap) and must
load a snapshot. ``sequence`` values are the matcher's: the book's is the engine's event
sequence of the last book-delta record, the trade tape's the last ``trade_id``, a candle
channel's the ``trade_id`` of the last trade folded into it, and the statistics' the time
(unix ms) they were computed for, so they stay increasing across a restart of the feed.

Update data per kind::

    book     {"levels": [{"side", "price", "quantity", "order_count"}, ...], "complete": bool}
    trades   {"trades": [{"trade_id", "price", "quantity", "taker_side", "timestamp_ms"}, ...]}
    candles  {"candle": {"open_time_ms", "open", "high", "low", "close", "volume",
                         "quote_volume", "trade_count"}}
    stats    the whole statistics object (see :mod:`~.stats`)
    grid     the whole per-zone document (see :mod:`~.grid_channel`); its sequence is the time
             (unix ms) the grid publisher computed it

A level of quantity 0 is gone. ``complete`` is false once the feed saw a gap in the matcher's
book-delta chain (a record lost to retention): levels it never saw may be missing. No update or
snapshot names an order, owner or wallet: the public tape shows no counterparty.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections import deque
from typing import Any

from gridtokenx.gateway.feed.candles import Candle
from gridtokenx.gateway.feed.channels import Channel, ChannelKind

JsonObject = dict[str, Any]


class Applied(enum.Enum):
    APPLIED = "applied"
    STALE = "stale"
    GAP = "gap"


class ChannelView(ABC):
    """One channel's current state and sequence."""

    def __init__(self) -> None:
        self.sequence = 0

    def apply(self, previous: int, sequence: int, data: JsonObject) -> Applied:
        if sequence <= self.sequence:
            return Applied.STALE
        if previous != self.sequence:
            return Applied.GAP
        self._apply(data)
        self.sequence = sequence
        return Applied.APPLIED

    def load(self, sequence: int, data: JsonObject) -> None:
        """Replace the state with a snapshot's."""
        self._load(data)
        self.sequence = sequence

    @abstractmethod
    def _apply(self, data: JsonObject) -> None: ...

    @abstractmethod
    def _load(self, data: JsonObject) -> None: ...

    @abstractmethod
    def snapshot(self) -> JsonObject: ...


class BookView(ChannelView):
    """Aggregated price levels: price → (quantity, order count) per side."""

    def __init__(self) -> None:
        super().__init__()
        self.bids: dict[int, tuple[int, int]] = {}
        self.asks: dict[int, tuple[int, int]] = {}
        self.complete = True

    def _apply(self, data: JsonObject) -> None:
        for level in data["levels"]:
            side = self.bids if level["side"] == "buy" else self.asks
            price, quantity = int(level["price"]), int(level["quantity"])
            if quantity == 0:
                side.pop(price, None)
            else:
                side[price] = (quantity, int(level["order_count"]))
        self.complete = bool(data["complete"])

    def _load(self, data: JsonObject) -> None:
        self.bids = _levels_by_price(data["bids"])
        self.asks = _levels_by_price(data["asks"])
        self.complete = bool(data["complete"])

    def levels(self, depth: int | None = None) -> JsonObject:
        """Bids best (highest) first, asks best (lowest) first, at most ``depth`` each."""
        bids = sorted(self.bids.items(), reverse=True)[:depth]
        asks = sorted(self.asks.items())[:depth]
        return {
            "bids": [_level(price, level) for price, level in bids],
            "asks": [_level(price, level) for price, level in asks],
            "complete": self.complete,
        }

    def snapshot(self) -> JsonObject:
        return self.levels()


def _levels_by_price(items: list[JsonObject]) -> dict[int, tuple[int, int]]:
    return {int(item["price"]): (int(item["quantity"]), int(item["order_count"])) for item in items}


def _level(price: int, level: tuple[int, int]) -> JsonObject:
    return {"price": price, "quantity": level[0], "order_count": level[1]}


class TradesView(ChannelView):
    """The most recent trades, oldest first."""

    def __init__(self, kept: int) -> None:
        super().__init__()
        self.trades: deque[JsonObject] = deque(maxlen=kept)

    def _apply(self, data: JsonObject) -> None:
        self.trades.extend(data["trades"])

    def _load(self, data: JsonObject) -> None:
        self.trades.clear()
        self.trades.extend(data["trades"])

    def recent(self, limit: int) -> list[JsonObject]:
        """The ``limit`` newest trades, newest first."""
        return [self.trades[-1 - i] for i in range(min(limit, len(self.trades)))]

    def snapshot(self) -> JsonObject:
        return {"trades": list(self.trades)}


class CandlesView(ChannelView):
    """The newest ``kept`` candles of one interval by open time."""

    def __init__(self, interval: str, kept: int) -> None:
        super().__init__()
        self.interval = interval
        self.kept = kept
        self.candles: dict[int, Candle] = {}

    def put(self, candle: Candle) -> None:
        self.candles[candle.open_time_ms] = candle
        if len(self.candles) > self.kept:
            del self.candles[min(self.candles)]

    def _apply(self, data: JsonObject) -> None:
        self.put(Candle.from_json(data["candle"]))

    def _load(self, data: JsonObject) -> None:
        self.candles = {}
        for item in data["candles"]:
            self.put(Candle.from_json(item))

    def between(self, from_ms: int | None, to_ms: int | None) -> list[Candle]:
        """Candles opening in ``[from_ms, to_ms)`` (open bounds: all), oldest first."""
        return [
            self.candles[key]
            for key in sorted(self.candles)
            if (from_ms is None or key >= from_ms) and (to_ms is None or key < to_ms)
        ]

    def snapshot(self) -> JsonObject:
        return {
            "interval": self.interval,
            "candles": [candle.to_json() for candle in self.between(None, None)],
        }


class StatsView(ChannelView):
    def __init__(self) -> None:
        super().__init__()
        self.stats: JsonObject = {}

    def _apply(self, data: JsonObject) -> None:
        self.stats = dict(data)

    def _load(self, data: JsonObject) -> None:
        self.stats = dict(data)

    def snapshot(self) -> JsonObject:
        return dict(self.stats)


class GridView(StatsView):
    """The public per-zone grid document; each update replaces it whole."""


def new_view(channel: Channel, *, recent_trades: int, candles_kept: int) -> ChannelView:
    """An empty view (sequence 0) for ``channel`` (a market kind or ``grid``)."""
    if channel.kind is ChannelKind.BOOK:
        return BookView()
    if channel.kind is ChannelKind.TRADES:
        return TradesView(recent_trades)
    if channel.kind is ChannelKind.CANDLES:
        assert channel.interval is not None
        return CandlesView(channel.interval, candles_kept)
    if channel.kind is ChannelKind.GRID:
        return GridView()
    return StatsView()
