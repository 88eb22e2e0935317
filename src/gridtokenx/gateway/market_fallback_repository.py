"""The market-data fallback's reads of PostgreSQL: the chain indexer's order mirror
(``chain_orders``, migrations 0006 and 0013), the settlement ledger (``settlement_trades``,
0007) and the matcher's releases (``settlement_releases``, 0013). Read-only.

:class:`MarketFallback` answers a channel's view (:mod:`.market_fallback`) for the public market
routes while the worker's mirror does not follow Redis. Each view is kept for
:data:`FRESH_MS` so a burst of reads during an outage costs one query per channel and second,
not one per request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Final

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gridtokenx.config import MarketDataSettings
from gridtokenx.core.units import GXT_BASE_UNITS_PER_KWH
from gridtokenx.gateway.database import postgres_transaction
from gridtokenx.gateway.feed.candles import Candle
from gridtokenx.gateway.feed.channels import CANDLE_INTERVALS_MS, Channel, ChannelKind
from gridtokenx.gateway.feed.stats import MINUTE_MS, WINDOW_MS
from gridtokenx.gateway.feed.views import ChannelView
from gridtokenx.gateway.market_fallback import (
    LevelRow,
    TradeRow,
    book_view,
    candles_view,
    stats_view,
    trades_view,
)

FRESH_MS: Final = 1_000
"""How long a view read from PostgreSQL is served before it is read again."""

_MARKETS = text(
    "SELECT market FROM chain_orders UNION SELECT market FROM settlement_trades ORDER BY 1"
)
_LEVELS = text(
    """
    WITH matched AS (
        SELECT order_account, sum(quantity) AS quantity FROM (
            SELECT buy_order AS order_account, quantity FROM settlement_trades
                WHERE market = :market
            UNION ALL
            SELECT sell_order, quantity FROM settlement_trades WHERE market = :market
        ) fills GROUP BY order_account
    ), resting AS (
        SELECT o.side, o.price,
               o.quantity - greatest(o.filled, coalesce(m.quantity, 0)) AS remaining
        FROM chain_orders o LEFT JOIN matched m ON m.order_account = o.order_account
        WHERE o.market = :market AND o.status = 'open' AND o.time_in_force <> 'ioc'
          AND (o.expiry_s = 0 OR o.expiry_s > :now_s)
          AND NOT EXISTS (SELECT 1 FROM settlement_releases r
                          WHERE r.market = o.market AND r.order_account = o.order_account)
    )
    SELECT side, price, sum(remaining), count(*) FROM resting WHERE remaining > 0
    GROUP BY side, price
    """
)
_TRADES = text(
    "SELECT trade_id, price, quantity, trade_timestamp_ms FROM settlement_trades "
    "WHERE market = :market ORDER BY trade_id DESC LIMIT :limit"
)
_CANDLES = text(
    """
    SELECT bucket,
           (array_agg(price ORDER BY trade_id))[1],
           max(price), min(price),
           (array_agg(price ORDER BY trade_id DESC))[1],
           sum(quantity), sum(div(price * quantity, :units)), count(*), max(trade_id)
    FROM (SELECT trade_id, price, quantity,
                 trade_timestamp_ms - mod(trade_timestamp_ms, :interval_ms) AS bucket
          FROM settlement_trades
          WHERE market = :market AND trade_timestamp_ms >= :since_ms) t
    GROUP BY bucket ORDER BY bucket DESC LIMIT :kept
    """
)
_LAST = text(
    "SELECT trade_id, price FROM settlement_trades WHERE market = :market "
    "ORDER BY trade_id DESC LIMIT 1"
)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _candle(row: Any) -> Candle:
    return Candle(
        open_time_ms=int(row[0]),
        open=int(row[1]),
        high=int(row[2]),
        low=int(row[3]),
        close=int(row[4]),
        volume=int(row[5]),
        quote_volume=int(row[6]),
        trade_count=int(row[7]),
    )


class MarketFallback:
    """Public market views read from PostgreSQL, each kept :data:`FRESH_MS`."""

    def __init__(
        self,
        engine: AsyncEngine,
        settings: MarketDataSettings,
        clock_ms: Callable[[], int] = _now_ms,
    ) -> None:
        self._engine = engine
        self._settings = settings
        self._clock_ms = clock_ms
        self._cache: dict[str, tuple[int, Any]] = {}

    async def markets(self) -> set[str]:
        """Every market the order mirror or the settlement ledger names."""
        markets: set[str] = await self._cached("markets", self._read_markets)
        return markets

    async def view(self, channel: Channel) -> ChannelView:
        """The view of a market channel (book, trades, candles or stats)."""

        async def read() -> ChannelView:
            return await self._read_view(channel)

        view: ChannelView = await self._cached(channel.name, read)
        return view

    async def _cached(self, key: str, read: Callable[[], Any]) -> Any:
        now_ms = self._clock_ms()
        found = self._cache.get(key)
        if found is not None and now_ms - found[0] < FRESH_MS:
            return found[1]
        value = await read()
        if len(self._cache) > 4_096:
            self._cache.clear()
        self._cache[key] = (now_ms, value)
        return value

    async def _read_markets(self) -> set[str]:
        async with postgres_transaction(self._engine) as connection:
            rows = (await connection.execute(_MARKETS)).all()
        return {str(row[0]) for row in rows}

    async def _read_view(self, channel: Channel) -> ChannelView:
        market, now_ms = channel.market, self._clock_ms()
        async with postgres_transaction(self._engine) as connection:
            if channel.kind is ChannelKind.BOOK:
                rows = await connection.execute(
                    _LEVELS, {"market": market, "now_s": now_ms // 1000}
                )
                return book_view(
                    LevelRow(str(row[0]), int(row[1]), int(row[2]), int(row[3])) for row in rows
                )
            if channel.kind is ChannelKind.TRADES:
                kept = self._settings.recent_trades
                rows = await connection.execute(_TRADES, {"market": market, "limit": kept})
                return trades_view(
                    (TradeRow(int(row[0]), int(row[1]), int(row[2]), int(row[3])) for row in rows),
                    kept,
                )
            if channel.kind is ChannelKind.CANDLES:
                assert channel.interval is not None
                kept = self._settings.candles_kept
                candles = (
                    await connection.execute(
                        _CANDLES,
                        {
                            "market": market,
                            "interval_ms": CANDLE_INTERVALS_MS[channel.interval],
                            "since_ms": 0,
                            "kept": kept,
                            "units": GXT_BASE_UNITS_PER_KWH,
                        },
                    )
                ).all()
                sequence = max((int(row[8]) for row in candles), default=0)
                return candles_view(channel.interval, map(_candle, candles), kept, sequence)
            # Statistics: the one-minute candles of the window ending at now.
            minutes = (
                await connection.execute(
                    _CANDLES,
                    {
                        "market": market,
                        "interval_ms": MINUTE_MS,
                        "since_ms": now_ms - now_ms % MINUTE_MS + MINUTE_MS - WINDOW_MS,
                        "kept": WINDOW_MS // MINUTE_MS,
                        "units": GXT_BASE_UNITS_PER_KWH,
                    },
                )
            ).all()
            last = (await connection.execute(_LAST, {"market": market})).first()
        return stats_view(map(_candle, minutes), now_ms, None if last is None else int(last[1]))
