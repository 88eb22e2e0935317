"""OHLCV candles folded from trades (pure): open, high, low, close, volume, quote volume, count.

A candle of interval ``I`` opens at a multiple of ``I`` ms since the unix epoch (UTC) and holds
every trade whose ``timestamp_ms`` falls in ``[open_time_ms, open_time_ms + I)``. ``open`` is
the first trade folded into it and ``close`` the last, in the order the trades are folded (the
matcher's trade order). ``volume`` is GXT base units, ``quote_volume`` the USDC base units paid
(each trade's notional rounded down, as settlement pays it).
"""

from __future__ import annotations

from dataclasses import dataclass

from gridtokenx.core.money import payment_for_fill


@dataclass(frozen=True, slots=True)
class Candle:
    open_time_ms: int
    open: int
    high: int
    low: int
    close: int
    volume: int
    """GXT base units traded."""
    quote_volume: int
    """USDC base units paid."""
    trade_count: int

    def to_json(self) -> dict[str, int]:
        return {
            "open_time_ms": self.open_time_ms,
            "open": self.open,
            "high": self.high,
            "low": self.low,
            "close": self.close,
            "volume": self.volume,
            "quote_volume": self.quote_volume,
            "trade_count": self.trade_count,
        }

    @classmethod
    def from_json(cls, data: dict[str, int]) -> Candle:
        return cls(
            open_time_ms=int(data["open_time_ms"]),
            open=int(data["open"]),
            high=int(data["high"]),
            low=int(data["low"]),
            close=int(data["close"]),
            volume=int(data["volume"]),
            quote_volume=int(data["quote_volume"]),
            trade_count=int(data["trade_count"]),
        )


def candle_open_ms(timestamp_ms: int, interval_ms: int) -> int:
    """The open time of the candle of ``interval_ms`` that holds ``timestamp_ms``."""
    return timestamp_ms - timestamp_ms % interval_ms


def fold_trade(candle: Candle | None, open_time_ms: int, price: int, quantity: int) -> Candle:
    """``candle`` (``None``: empty so far) with one more trade of ``quantity`` at ``price``."""
    paid = payment_for_fill(price, quantity)
    if candle is None:
        return Candle(open_time_ms, price, price, price, price, quantity, paid, 1)
    return Candle(
        open_time_ms=candle.open_time_ms,
        open=candle.open,
        high=max(candle.high, price),
        low=min(candle.low, price),
        close=price,
        volume=candle.volume + quantity,
        quote_volume=candle.quote_volume + paid,
        trade_count=candle.trade_count + 1,
    )
