"""Public market data: ``GET /v1/markets`` and ``/v1/markets/{market}/book|trades|candles|stats|
auction``. No token; every answer comes from the worker's :class:`~..feed.mirror.MarketMirror`
(memory kept current by Redis pub/sub), never from a database query. No answer names an order,
owner or wallet."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request, Response

from gridtokenx.gateway.book_fast_path import DEFAULT_DEPTH, MAX_DEPTH, book_bodies
from gridtokenx.gateway.context import GatewayContext
from gridtokenx.gateway.deps import ContextDep
from gridtokenx.gateway.feed.channels import Channel, ChannelKind, is_market_address
from gridtokenx.gateway.feed.errors import MarketDataUnavailableError, MarketNotFoundError
from gridtokenx.gateway.feed.mirror import MarketMirror
from gridtokenx.gateway.feed.schemas import (
    AuctionPublic,
    BookPublic,
    CandlePublic,
    CandlesPublic,
    MarketsPublic,
    MarketSummary,
    StatsPublic,
    TradePublic,
    TradesPublic,
)
from gridtokenx.gateway.feed.views import BookView, CandlesView, StatsView, TradesView
from gridtokenx.gateway.handlers import error_responses

Interval = Literal["1m", "5m", "15m", "1h", "1d"]


@asynccontextmanager
async def _mirror_lifespan(app: FastAPI) -> AsyncIterator[None]:
    context: GatewayContext = app.state.context
    mirror = MarketMirror(context.settings.redis, context.settings.market_data)
    await mirror.start()
    app.state.market_mirror = mirror
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


async def get_mirror(request: Request) -> MarketMirror:
    mirror: MarketMirror = request.app.state.market_mirror
    return mirror


MirrorDep = Annotated[MarketMirror, Depends(get_mirror)]
MarketPath = Annotated[str, Path(min_length=32, max_length=44, description="market address")]


def _known(mirror: MarketMirror, market: str) -> None:
    if is_market_address(market) and market in mirror.markets:
        return
    if not mirror.connected.is_set() and not mirror.markets:
        raise MarketDataUnavailableError("market data is not loaded yet; retry shortly")
    raise MarketNotFoundError(
        f"no market {market} has published data; GET /v1/markets lists them",
        {"market": market},
    )


def _book(mirror: MarketMirror, market: str) -> BookView:
    view = mirror.view(Channel(ChannelKind.BOOK, market))
    return view if isinstance(view, BookView) else BookView()


@router.get("", responses=error_responses(500, 503))
async def list_markets(mirror: MirrorDep, context: ContextDep) -> MarketsPublic:
    """Every market with data, with its last price, best bid and ask and 24-hour volume."""
    summaries = []
    for market in sorted(mirror.markets):
        book = _book(mirror, market)
        stats = mirror.view(Channel(ChannelKind.STATS, market))
        values = stats.stats if isinstance(stats, StatsView) else {}
        summaries.append(
            MarketSummary(
                market=market,
                mode=context.settings.market.mode,
                last_price=values.get("last_price"),
                best_bid=max(book.bids) if book.bids else None,
                best_ask=min(book.asks) if book.asks else None,
                volume_24h=values.get("volume") or 0,
            )
        )
    return MarketsPublic(data=summaries, count=len(summaries), live=mirror.connected.is_set())


@router.get(
    "/{market}/book", response_model=BookPublic, responses=error_responses(404, 422, 500, 503)
)
async def book(
    market: MarketPath,
    mirror: MirrorDep,
    request: Request,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = DEFAULT_DEPTH,
) -> Response:
    """Aggregated price levels (quantity and order count per price), ``depth`` per side."""
    _known(mirror, market)
    # Serialized once per book sequence (gateway.book_fast_path, which also answers plain
    # requests before they reach this route).
    body = book_bodies(request.app.state).body(mirror, market, depth)
    return Response(body, media_type="application/json")


@router.get("/{market}/trades", responses=error_responses(404, 422, 500, 503))
async def trades(
    market: MarketPath,
    mirror: MirrorDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> TradesPublic:
    """The most recent trades, newest first (no counterparty)."""
    _known(mirror, market)
    view = mirror.view(Channel(ChannelKind.TRADES, market))
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
    mirror: MirrorDep,
    interval: Interval = "1m",
    from_ms: Annotated[int | None, Query(alias="from", ge=0)] = None,
    to_ms: Annotated[int | None, Query(alias="to", ge=0)] = None,
) -> CandlesPublic:
    """OHLCV candles opening in ``[from, to)`` (unix ms), oldest first; the newest
    ``market_data.candles_kept`` of each interval are kept."""
    _known(mirror, market)
    view = mirror.view(Channel(ChannelKind.CANDLES, market, interval))
    if not isinstance(view, CandlesView):
        return CandlesPublic(market=market, interval=interval, sequence=0, data=[])
    return CandlesPublic(
        market=market,
        interval=interval,
        sequence=view.sequence,
        data=[CandlePublic(**candle.to_json()) for candle in view.between(from_ms, to_ms)],
    )


@router.get("/{market}/stats", responses=error_responses(404, 422, 500, 503))
async def stats(market: MarketPath, mirror: MirrorDep) -> StatsPublic:
    """24-hour statistics (open, high, low, close, change, volumes, trade count)."""
    _known(mirror, market)
    view = mirror.view(Channel(ChannelKind.STATS, market))
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
async def auction(market: MarketPath, mirror: MirrorDep, context: ContextDep) -> AuctionPublic:
    """The market's mode and, in auction mode, the next clearing time. The indicative price
    and volume are null: the matcher does not publish them yet."""
    _known(mirror, market)
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
