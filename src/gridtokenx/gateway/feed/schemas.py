"""Response bodies of the public market routes. Prices are USDC base units per kWh, quantities
GXT base units, quote volumes USDC base units, times unix milliseconds (UTC); ``sequence`` is
the channel's sequence the answer reflects (the same as on the WebSocket)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class MarketSummary(BaseModel):
    market: str
    mode: Literal["continuous", "auction"]
    last_price: int | None
    best_bid: int | None
    best_ask: int | None
    volume_24h: int


class MarketsPublic(BaseModel):
    data: list[MarketSummary]
    count: int
    live: bool
    """False while this worker is not following the feed (Redis away): data may be stale."""


class BookLevel(BaseModel):
    price: int
    quantity: int
    order_count: int


class BookPublic(BaseModel):
    market: str
    sequence: int
    """The matcher's event sequence of the last book change applied."""
    bids: list[BookLevel]
    """Best (highest) first."""
    asks: list[BookLevel]
    """Best (lowest) first."""
    complete: bool
    """False if the feed missed a book-delta record (levels may be missing)."""


class TradePublic(BaseModel):
    trade_id: int
    price: int
    quantity: int
    taker_side: Literal["buy", "sell"] | None
    """The side of the order that took liquidity; null for an auction trade."""
    timestamp_ms: int


class TradesPublic(BaseModel):
    market: str
    sequence: int
    data: list[TradePublic]
    """Newest first."""


class CandlePublic(BaseModel):
    open_time_ms: int
    open: int
    high: int
    low: int
    close: int
    volume: int
    quote_volume: int
    trade_count: int


class CandlesPublic(BaseModel):
    market: str
    interval: str
    sequence: int
    data: list[CandlePublic]
    """Oldest first; intervals without a trade have no candle."""


class StatsPublic(BaseModel):
    market: str
    sequence: int
    window_start_ms: int | None
    window_end_ms: int | None
    last_price: int | None
    open: int | None
    high: int | None
    low: int | None
    close: int | None
    change: int | None
    volume: int
    quote_volume: int
    trade_count: int


class AuctionPublic(BaseModel):
    market: str
    mode: Literal["continuous", "auction"]
    auction_interval_ms: int | None
    """Null in continuous mode."""
    next_clearing_ms: int | None
    """The next interval boundary after now (auction mode), else null."""
    indicative_price: int | None
    indicative_volume: int | None
    indicative_published: bool
    """False: the matcher does not publish an indicative auction yet, so the two fields above
    are null rather than guessed."""
