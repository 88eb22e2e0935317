"""Market data rebuilt from PostgreSQL while Redis is away (pure): rows in, channel views out.

While a worker's :class:`~.feed.mirror.MarketMirror` is not following Redis (it cannot tell
what changed since it lost it), the public market routes answer from the platform's PostgreSQL
mirrors instead, with the same response schemas and ``X-GridTokenX-Source: postgres``
(:mod:`.market_fallback_repository` reads the rows; this module turns them into the
:mod:`~.feed.views` the routes already render). What each view holds:

- **book**: the open resting orders of the chain indexer's order mirror (``chain_orders``),
  each reduced by every trade the matcher reported for it (``settlement_trades``, whatever its
  settlement status), aggregated per side and price. IOC orders never rest, and orders the
  matcher released (``settlement_releases``) or whose expiry passed are left out. Its sequence is
  0 (the matcher's event sequence is not stored) and ``complete`` is true.
- **trades**: the newest ``recent_trades`` rows of ``settlement_trades`` (every trade the
  matcher reported), with the feed's sequence (the last ``trade_id``); ``taker_side`` is null
  because the ledger does not record which order took liquidity.
- **candles**: the same OHLCV candles the feed folds (aggregated by the query in trade order),
  the newest ``candles_kept`` of the interval; sequence the last ``trade_id``.
- **stats**: :func:`~.feed.stats.stats_24h` over the one-minute candles at the request time;
  sequence that time (as the feed's statistics).

Known gaps: an order placed on chain that the matcher has not read yet shows in the book, a
level of an order whose trades the settlement service has not read yet shows too much, and a GTC
order the matcher cancelled by self-trade prevention stays in the book until its owner cancels
it on chain (the matcher releases only IOC and post-only orders).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gridtokenx.gateway.feed.candles import Candle
from gridtokenx.gateway.feed.stats import stats_24h
from gridtokenx.gateway.feed.views import BookView, CandlesView, StatsView, TradesView


@dataclass(frozen=True, slots=True)
class LevelRow:
    """One aggregated price level of the order mirror."""

    side: str
    """``buy`` or ``sell``."""
    price: int
    quantity: int
    order_count: int


@dataclass(frozen=True, slots=True)
class TradeRow:
    trade_id: int
    price: int
    quantity: int
    timestamp_ms: int


def book_view(levels: Iterable[LevelRow]) -> BookView:
    """The book of ``levels`` (levels of quantity 0 or less are not in a book)."""
    view = BookView()
    for level in levels:
        if level.quantity > 0:
            side = view.bids if level.side == "buy" else view.asks
            side[level.price] = (level.quantity, level.order_count)
    return view


def trades_view(newest_first: Iterable[TradeRow], kept: int) -> TradesView:
    """The tape of the newest ``kept`` trades (given newest first), as the feed keeps it."""
    view = TradesView(kept)
    trades = sorted(newest_first, key=lambda trade: trade.trade_id)[-kept:]
    view.load(
        trades[-1].trade_id if trades else 0,
        {
            "trades": [
                {
                    "trade_id": trade.trade_id,
                    "price": trade.price,
                    "quantity": trade.quantity,
                    "taker_side": None,
                    "timestamp_ms": trade.timestamp_ms,
                }
                for trade in trades
            ]
        },
    )
    return view


def candles_view(interval: str, candles: Iterable[Candle], kept: int, sequence: int) -> CandlesView:
    """The newest ``kept`` of ``candles`` at ``sequence`` (the last trade folded into them)."""
    view = CandlesView(interval, kept)
    for candle in sorted(candles, key=lambda candle: candle.open_time_ms):
        view.put(candle)
    view.sequence = sequence if view.candles else 0
    return view


def stats_view(minute_candles: Iterable[Candle], now_ms: int, last_price: int | None) -> StatsView:
    """The 24-hour statistics at ``now_ms`` (their sequence, as the feed's)."""
    view = StatsView()
    view.load(now_ms, stats_24h(minute_candles, now_ms, last_price))
    return view
