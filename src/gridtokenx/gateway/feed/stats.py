"""24-hour statistics of a market (pure), computed from its one-minute candles.

The window is the 1,440 minutes ending with the minute that holds ``now_ms`` (so its start moves
in whole minutes): ``open`` is the first trade's price in the window, ``high``/``low`` the
extremes, ``close`` the last price, ``change`` ``close - open``; volumes and the trade count are
sums. With no trade in the window the prices are ``None`` and the sums 0; ``last_price`` is the
market's latest trade price whenever it happened (``None`` if it never traded).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from gridtokenx.gateway.feed.candles import Candle, candle_open_ms

MINUTE_MS: Final = 60_000
WINDOW_MS: Final = 24 * 60 * MINUTE_MS


def window_start_ms(now_ms: int) -> int:
    """The open time of the oldest minute in the 24-hour window ending at ``now_ms``."""
    return candle_open_ms(now_ms, MINUTE_MS) + MINUTE_MS - WINDOW_MS


def stats_24h(
    minute_candles: Iterable[Candle], now_ms: int, last_price: int | None
) -> dict[str, int | None]:
    start = window_start_ms(now_ms)
    end = candle_open_ms(now_ms, MINUTE_MS) + MINUTE_MS
    window = sorted(
        (candle for candle in minute_candles if start <= candle.open_time_ms < end),
        key=lambda candle: candle.open_time_ms,
    )
    stats: dict[str, int | None] = {
        "window_start_ms": start,
        "window_end_ms": end,
        "last_price": last_price,
        "open": None,
        "high": None,
        "low": None,
        "close": None,
        "change": None,
        "volume": sum(candle.volume for candle in window),
        "quote_volume": sum(candle.quote_volume for candle in window),
        "trade_count": sum(candle.trade_count for candle in window),
    }
    if window:
        first, last = window[0], window[-1]
        stats.update(
            open=first.open,
            high=max(candle.high for candle in window),
            low=min(candle.low for candle in window),
            close=last.close,
            change=last.close - first.open,
        )
    return stats
