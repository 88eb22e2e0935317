"""Public market data: ``GET /v1/markets`` and ``/v1/markets/{market}/book|trades|candles|stats|
auction``. No token; every answer comes from the worker's :class:`~..feed.mirror.MarketMirror`
(memory kept current by Redis pub/sub), never from a database query — except while the mirror
does not follow Redis: then the answers are rebuilt from PostgreSQL (:mod:`..market_fallback`,
cached a second) with the same schemas and the header ``X-GridTokenX-Source: postgres``; if
PostgreSQL does not answer either, the mirror's last state is served. No answer names an order,
owner or wallet."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request, Response

from gridtokenx.gateway.book_fast_path import DEFAULT_DEPTH, MAX_DEPTH, book_bodies
from gridtokenx.gateway.context import GatewayContext
from gridtokenx.gateway.deps import ContextDep
from gridtokenx.gateway.errors import UnavailableError
from gridtokenx.gateway.feed.channels import Channel, ChannelKind, is_market_address
from gridtokenx.gateway.feed.errors import MarketDataUnavailableError, MarketNotFoundError
from gridtokenx.gateway.feed.mirror import MarketMirror
from gridtokenx.gateway.feed.schemas import (
    AuctionPublic,
    BookLevel,
    BookPublic,
    CandlePublic,
    CandlesPublic,
    MarketsPublic,
    MarketSummary,
    StatsPublic,
    TradePublic,
    TradesPublic,
)
from gridtokenx.gateway.feed.views import (
    BookView,
    CandlesView,
    ChannelView,
    StatsView,
    TradesView,
)
from gridtokenx.gateway.handlers import error_responses
from gridtokenx.gateway.market_fallback_repository import MarketFallback

Interval = Literal["1m", "5m", "15m", "1h", "1d"]
SOURCE_HEADER = "X-GridTokenX-Source"
"""Set to ``postgres`` on an answer rebuilt from PostgreSQL (Redis away)."""


@asynccontextmanager
async def _mirror_lifespan(app: FastAPI) -> AsyncIterator[None]:
    context: GatewayContext = app.state.context
    mirror = MarketMirror(context.settings.redis, context.settings.market_data)
    await mirror.start()
    app.state.market_mirror = mirror
    app.state.market_fallback = MarketFallback(context.engine, context.settings.market_data)
    try:
        yield
    finally:
        await mirror.close()


router = APIRouter(
    prefix="/v1/markets",
    tags=["market data"],
    responses=error_responses(500, 503),
    lifespan=_mirror_lifespan,
)


@dataclass(slots=True)
class MarketReader:
    """Where one request reads market data: the mirror while it follows Redis, else
    PostgreSQL (marking the response), else — PostgreSQL away too — the mirror's last state."""

    mirror: MarketMirror
    fallback: MarketFallback
    response: Response
    live: bool

    async def known(self, market: str) -> None:
        """Raise unless ``market`` has data (404) or while nothing can tell (503)."""
        mirror = self.mirror
        if self.live:
            if is_market_address(market) and market in mirror.markets:
                return
        else:
            try:
                markets = await self.fallback.markets()
            except UnavailableError:
                if market in mirror.markets:
                    self.live = True  # PostgreSQL away too: the last state in memory
                    return
                raise MarketDataUnavailableError(
                    "market data is not loaded yet; retry shortly"
                ) from None
            if is_market_address(market) and market in markets:
                return
        raise MarketNotFoundError(
            f"no market {market} has published data; GET /v1/markets lists them",
            {"market": market},
        )

    async def markets(self) -> list[str]:
        if not self.live:
            try:
                return sorted(await self.fallback.markets())
            except UnavailableError:
                self.live = True
        return sorted(self.mirror.markets)

    async def view(self, channel: Channel) -> ChannelView | None:
        if self.live:
            return self.mirror.view(channel)
        self.response.headers[SOURCE_HEADER] = "postgres"
        return await self.fallback.view(channel)


async def get_reader(request: Request, response: Response) -> MarketReader:
    mirror: MarketMirror = request.app.state.market_mirror
    return MarketReader(
        mirror, request.app.state.market_fallback, response, mirror.connected.is_set()
    )


ReaderDep = Annotated[MarketReader, Depends(get_reader)]
MarketPath = Annotated[str, Path(min_length=32, max_length=44, description="market address")]


@router.get("", responses=error_responses(500, 503))
async def list_markets(reader: ReaderDep, context: ContextDep) -> MarketsPublic:
    """Every market with data, with its last price, best bid and ask and 24-hour volume."""
    summaries = []
    for market in await reader.markets():
        book = await reader.view(Channel(ChannelKind.BOOK, market))
        stats = await reader.view(Channel(ChannelKind.STATS, market))
        bids = book.bids if isinstance(book, BookView) else {}
        asks = book.asks if isinstance(book, BookView) else {}
        values = stats.stats if isinstance(stats, StatsView) else {}
        summaries.append(
            MarketSummary(
                market=market,
                mode=context.settings.market.mode,
                last_price=values.get("last_price"),
                best_bid=max(bids) if bids else None,
                best_ask=min(asks) if asks else None,
                volume_24h=values.get("volume") or 0,
            )
        )
    return MarketsPublic(
        data=summaries, count=len(summaries), live=reader.mirror.connected.is_set()
    )


@router.get(
    "/{market}/book", response_model=BookPublic, responses=error_responses(404, 422, 500, 503)
)
async def book(
    market: MarketPath,
    reader: ReaderDep,
    request: Request,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = DEFAULT_DEPTH,
) -> Response:
    """Aggregated price levels (quantity and order count per price), ``depth`` per side."""
    await reader.known(market)
    if reader.live:
        # Serialized once per book sequence (gateway.book_fast_path, which also answers plain
        # requests before they reach this route).
        body = book_bodies(request.app.state).body(reader.mirror, market, depth)
        return Response(body, media_type="application/json")
    view = await reader.view(Channel(ChannelKind.BOOK, market))
    assert isinstance(view, BookView)
    levels = view.levels(depth)
    public = BookPublic(
        market=market,
        sequence=view.sequence,
        bids=[BookLevel(**level) for level in levels["bids"]],
        asks=[BookLevel(**level) for level in levels["asks"]],
        complete=view.complete,
    )
    return Response(
        public.model_dump_json(),
        media_type="application/json",
        headers={SOURCE_HEADER: "postgres"},
    )


@router.get("/{market}/trades", responses=error_responses(404, 422, 500, 503))
async def trades(
    market: MarketPath,
    reader: ReaderDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> TradesPublic:
    """The most recent trades, newest first (no counterparty)."""
    await reader.known(market)
    view = await reader.view(Channel(ChannelKind.TRADES, market))
    if not isinstance(view, TradesView):
        return TradesPublic(market=market, sequence=0, data=[])
    return TradesPublic(
        market=market,
        sequence=view.sequence,
        data=[TradePublic(**trade) for trade in view.recent(limit)],
    )


@router.get("/{market}/candles", responses=error_responses(404, 422, 500, 503))
async def candles(
    market: MarketPath,
    reader: ReaderDep,
    interval: Interval = "1m",
    from_ms: Annotated[int | None, Query(alias="from", ge=0)] = None,
    to_ms: Annotated[int | None, Query(alias="to", ge=0)] = None,
) -> CandlesPublic:
    """OHLCV candles opening in ``[from, to)`` (unix ms), oldest first; the newest
    ``market_data.candles_kept`` of each interval are kept."""
    await reader.known(market)
    view = await reader.view(Channel(ChannelKind.CANDLES, market, interval))
    if not isinstance(view, CandlesView):
        return CandlesPublic(market=market, interval=interval, sequence=0, data=[])
    return CandlesPublic(
        market=market,
        interval=interval,
        sequence=view.sequence,
        data=[CandlePublic(**candle.to_json()) for candle in view.between(from_ms, to_ms)],
    )


@router.get("/{market}/stats", responses=error_responses(404, 422, 500, 503))
async def stats(market: MarketPath, reader: ReaderDep) -> StatsPublic:
    """24-hour statistics (open, high, low, close, change, volumes, trade count)."""
    await reader.known(market)
    view = await reader.view(Channel(ChannelKind.STATS, market))
    values = view.stats if isinstance(view, StatsView) else {}
    return StatsPublic(
        market=market,
        sequence=0 if view is None else view.sequence,
        window_start_ms=values.get("window_start_ms"),
        window_end_ms=values.get("window_end_ms"),
        last_price=values.get("last_price"),
        open=values.get("open"),
        high=values.get("high"),
        low=values.get("low"),
        close=values.get("close"),
        change=values.get("change"),
        volume=values.get("volume") or 0,
        quote_volume=values.get("quote_volume") or 0,
        trade_count=values.get("trade_count") or 0,
    )


@router.get("/{market}/auction", responses=error_responses(404, 422, 500, 503))
async def auction(market: MarketPath, reader: ReaderDep, context: ContextDep) -> AuctionPublic:
    """The market's mode and, in auction mode, the next clearing time. The indicative price
    and volume are null: the matcher does not publish them yet."""
    await reader.known(market)
    if not reader.live:
        reader.response.headers[SOURCE_HEADER] = "postgres"
    settings = context.settings.market
    interval_ms: int | None = None
    next_ms: int | None = None
    if settings.mode == "auction":
        interval_ms = settings.auction_interval_ms
        now_ms = time.time_ns() // 1_000_000
        next_ms = now_ms - now_ms % interval_ms + interval_ms
    return AuctionPublic(
        market=market,
        mode=settings.mode,
        auction_interval_ms=interval_ms,
        next_clearing_ms=next_ms,
        indicative_price=None,
        indicative_volume=None,
        indicative_published=False,
    )
