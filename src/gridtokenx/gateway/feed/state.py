"""One market's public data as the feed keeps it (pure): Kafka messages in, channel updates out.

:class:`MarketFeed` folds the matcher's ``book-deltas`` and ``trades`` messages into the views of
:mod:`~.views` and returns each change as an :class:`Update` (already applied to its own views),
which the feed publishes. Trades lose their orders and owners here: only ``trade_id``, price,
quantity, the taker's side and the time reach a channel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gridtokenx.gateway.feed.candles import Candle, candle_open_ms, fold_trade
from gridtokenx.gateway.feed.channels import CANDLE_INTERVALS_MS, Channel, ChannelKind
from gridtokenx.gateway.feed.stats import stats_24h
from gridtokenx.gateway.feed.views import (
    BookView,
    CandlesView,
    ChannelView,
    JsonObject,
    StatsView,
    TradesView,
)
from gridtokenx.market.orders import Side
from gridtokenx.market.wire import BookDeltaMessage, TradeMessage


@dataclass(frozen=True, slots=True)
class Update:
    channel: str
    previous: int
    sequence: int
    data: JsonObject

    def to_json(self) -> JsonObject:
        return {
            "type": "update",
            "channel": self.channel,
            "previous": self.previous,
            "sequence": self.sequence,
            "data": self.data,
        }


def public_trade(trade: TradeMessage) -> JsonObject:
    """A trade as the public tape shows it: no orders, no owners."""
    taker: Side | None = None
    if trade.maker_side is not None:
        taker = Side.SELL if trade.maker_side is Side.BUY else Side.BUY
    return {
        "trade_id": trade.trade_id,
        "price": trade.price,
        "quantity": trade.quantity,
        "taker_side": None if taker is None else taker.value,
        "timestamp_ms": trade.timestamp_ms,
    }


class MarketFeed:
    def __init__(self, market: str, *, recent_trades: int, candles_kept: int) -> None:
        self.market = market
        self.book = BookView()
        self.trades = TradesView(recent_trades)
        self.stats = StatsView()
        self.candles = {
            interval: CandlesView(interval, candles_kept) for interval in CANDLE_INTERVALS_MS
        }
        self.last_price: int | None = None
        self.gaps = 0
        """Book-delta records the feed found missing (``after_sequence`` not its sequence)."""
        self._names = {
            ChannelKind.BOOK: Channel(ChannelKind.BOOK, market).name,
            ChannelKind.TRADES: Channel(ChannelKind.TRADES, market).name,
            ChannelKind.STATS: Channel(ChannelKind.STATS, market).name,
        }
        self._candle_names = {
            interval: Channel(ChannelKind.CANDLES, market, interval).name
            for interval in CANDLE_INTERVALS_MS
        }

    def views(self) -> dict[str, ChannelView]:
        """Every channel of the market by name."""
        views: dict[str, ChannelView] = {
            self._names[ChannelKind.BOOK]: self.book,
            self._names[ChannelKind.TRADES]: self.trades,
            self._names[ChannelKind.STATS]: self.stats,
        }
        for interval, view in self.candles.items():
            views[self._candle_names[interval]] = view
        return views

    def apply_book_delta(self, message: BookDeltaMessage) -> list[Update]:
        """The book update of one record; nothing for a record the book has already."""
        if message.last_sequence <= self.book.sequence:
            return []
        if message.after_sequence != self.book.sequence:
            self.gaps += 1
        data: JsonObject = {
            "levels": [
                {
                    "side": delta.side.value,
                    "price": delta.price,
                    "quantity": delta.quantity,
                    "order_count": delta.order_count,
                }
                for delta in message.deltas
            ],
            "complete": self.gaps == 0,
        }
        return [self._apply(self.book, self._names[ChannelKind.BOOK], message.last_sequence, data)]

    def apply_trades(self, trades: Sequence[TradeMessage]) -> list[Update]:
        """The updates of a batch of the market's trades (in trade order): one of the tape, one
        per candle touched and one of the statistics. Trades the tape has already are skipped."""
        fresh = [trade for trade in trades if trade.trade_id > self.trades.sequence]
        if not fresh:
            return []
        last = fresh[-1]
        updates = [
            self._apply(
                self.trades,
                self._names[ChannelKind.TRADES],
                last.trade_id,
                {"trades": [public_trade(trade) for trade in fresh]},
            )
        ]
        for interval, interval_ms in CANDLE_INTERVALS_MS.items():
            view = self.candles[interval]
            touched: dict[int, tuple[Candle, int]] = {}
            for trade in fresh:
                if trade.trade_id <= view.sequence:
                    continue
                open_ms = candle_open_ms(trade.timestamp_ms, interval_ms)
                current = touched[open_ms][0] if open_ms in touched else view.candles.get(open_ms)
                touched[open_ms] = (
                    fold_trade(current, open_ms, trade.price, trade.quantity),
                    trade.trade_id,
                )
            for candle, trade_id in touched.values():
                updates.append(
                    self._apply(
                        view, self._candle_names[interval], trade_id, {"candle": candle.to_json()}
                    )
                )
        self.last_price = last.price
        updates += self.refresh_stats(last.timestamp_ms)
        return updates

    def refresh_stats(self, now_ms: int) -> list[Update]:
        """The statistics at ``now_ms``, as an update if they changed."""
        stats = stats_24h(self.candles["1m"].candles.values(), now_ms, self.last_price)
        if stats == self.stats.stats:
            return []
        sequence = max(self.stats.sequence + 1, now_ms)
        return [self._apply(self.stats, self._names[ChannelKind.STATS], sequence, stats)]

    @staticmethod
    def _apply(view: ChannelView, channel: str, sequence: int, data: JsonObject) -> Update:
        update = Update(channel, view.sequence, sequence, data)
        view.apply(update.previous, update.sequence, data)
        return update
