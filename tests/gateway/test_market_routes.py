"""The public market routes on real Kafka and Redis: the matcher's records → the feed → Redis
pub/sub → the worker's memory → REST (httpx ASGI transport)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import anyio
import httpx
import pytest
import redis
from fastapi import FastAPI

from gridtokenx.config import Settings
from gridtokenx.gateway.app import create_app
from gridtokenx.gateway.feed.bus import BusKeys, dumps, snapshot_document
from gridtokenx.gateway.feed.service import MarketDataFeed
from gridtokenx.gateway.feed.state import Update
from tests.gateway.conftest import Clock
from tests.gateway.market_feed import MatcherOutput, market_data_pipeline, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

Pipeline = tuple[Settings, MatcherOutput, MarketDataFeed]


@pytest.fixture
def pipeline(gateway_settings: Settings) -> Iterator[Pipeline]:
    with market_data_pipeline(gateway_settings) as value:
        yield value


@pytest.fixture
async def market_client(pipeline: Pipeline, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(pipeline[0], clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            yield c


def field(name: str, expected: object) -> Callable[[Any], bool]:
    return lambda body: bool(body.get(name) == expected)


async def _until(
    client: httpx.AsyncClient, path: str, check: Callable[[Any], bool]
) -> httpx.Response:
    with anyio.fail_after(30):
        while True:
            response = await client.get(path)
            if response.status_code == 200 and check(response.json()):
                return response
            await anyio.sleep(0.05)


async def test_rest_reads_follow_the_matchers_records(
    pipeline: Pipeline, market_client: httpx.AsyncClient
) -> None:
    _, matcher, _ = pipeline
    matcher.run(300)
    markets = sorted(matcher.reference.sessions)
    assert len(matcher.reference.trades) > 10
    listed = await _until(market_client, "/v1/markets", lambda body: body["count"] == len(markets))
    assert [item["market"] for item in listed.json()["data"]] == markets
    for market in markets:
        sequence = matcher.book_sequence(market)
        book = await _until(
            market_client,
            f"/v1/markets/{market}/book?depth=1000",
            field("sequence", sequence),
        )
        body = book.json()
        assert {"bids": body["bids"], "asks": body["asks"]} == matcher.book(market)
        assert body["complete"] is True
        depth_one = (await market_client.get(f"/v1/markets/{market}/book?depth=1")).json()
        assert depth_one["bids"] == body["bids"][:1]
        assert depth_one["asks"] == body["asks"][:1]

        trades = [t for t in matcher.reference.trades if t.market == market]
        tape = await _until(
            market_client,
            f"/v1/markets/{market}/trades?limit=5",
            field("sequence", trades[-1].trade_id),
        )
        assert [item["trade_id"] for item in tape.json()["data"]] == [
            trade.trade_id for trade in reversed(trades[-5:])
        ]
        candles = (await market_client.get(f"/v1/markets/{market}/candles?interval=1d")).json()
        assert sum(candle["volume"] for candle in candles["data"]) == sum(
            trade.quantity for trade in trades
        )
        stats = await _until(
            market_client,
            f"/v1/markets/{market}/stats",
            field("last_price", trades[-1].price),
        )
        assert stats.json()["trade_count"] >= 1
        auction = (await market_client.get(f"/v1/markets/{market}/auction")).json()
        assert auction["mode"] == "continuous"
        assert auction["indicative_published"] is False
        assert auction["next_clearing_ms"] is None

        # No public answer names an owner, an order account or a wallet.
        text = json.dumps(
            [
                body,
                tape.json(),
                candles,
                stats.json(),
                auction,
                (await market_client.get(f"/v1/markets/{market}/trades?limit=1000")).json(),
            ]
        )
        for private in matcher.private_strings():
            assert private not in text


async def test_candles_filter_by_time(pipeline: Pipeline, market_client: httpx.AsyncClient) -> None:
    _, matcher, _ = pipeline
    matcher.run(200)
    market = matcher.reference.trades[-1].market
    trades = [t for t in matcher.reference.trades if t.market == market]
    whole = await _until(
        market_client,
        f"/v1/markets/{market}/candles?interval=1m",
        field("sequence", trades[-1].trade_id),
    )
    candles = whole.json()["data"]
    assert len(candles) >= 2
    start, end = candles[1]["open_time_ms"], candles[-1]["open_time_ms"]
    part = (
        await market_client.get(
            f"/v1/markets/{market}/candles", params={"interval": "1m", "from": start, "to": end}
        )
    ).json()
    assert part["data"] == candles[1:-1]


async def test_unknown_markets_and_intervals_get_typed_errors(
    pipeline: Pipeline, market_client: httpx.AsyncClient
) -> None:
    _, matcher, _ = pipeline
    matcher.run(50)
    market = next(iter(matcher.reference.sessions))
    await _until(market_client, "/v1/markets", lambda body: body["count"] >= 1)
    unknown = "So11111111111111111111111111111111111111112"
    for route in ("book", "trades", "candles", "stats", "auction"):
        response = await market_client.get(f"/v1/markets/{unknown}/{route}")
        assert response.status_code == 404, route
        assert response.json()["code"] == "market_not_found"
    response = await market_client.get(f"/v1/markets/{market}/candles?interval=2m")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    response = await market_client.get(f"/v1/markets/{market}/book?depth=0")
    assert response.status_code == 422
    response = await market_client.get("/v1/markets/short/book")
    assert response.status_code == 422


async def test_a_worker_that_starts_late_loads_the_snapshots_then_follows(
    pipeline: Pipeline, clock: Clock
) -> None:
    settings, matcher, feed = pipeline
    matcher.run(200)
    markets = sorted(matcher.reference.sessions)
    # The feed has written the books to Redis before the worker starts.
    keys = BusKeys(settings.market_data.redis_prefix)
    client = redis.Redis(host=settings.redis.host, port=settings.redis.port)

    def stored(market: str) -> int:
        raw = client.get(keys.snapshot(f"book:{market}"))
        return 0 if raw is None else int(json.loads(raw)["sequence"])

    try:
        await anyio.to_thread.run_sync(
            lambda: wait_for(
                lambda: all(stored(m) == matcher.book_sequence(m) for m in markets), "the feed"
            )
        )
    finally:
        client.close()
    del feed
    app = create_app(settings, clock)
    async with app.router.lifespan_context(app):
        mirror = app.state.market_mirror
        with anyio.fail_after(30):
            await mirror.connected.wait()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            for market in markets:
                body = (await c.get(f"/v1/markets/{market}/book?depth=1000")).json()
                assert body["sequence"] == matcher.book_sequence(market)
                assert {"bids": body["bids"], "asks": body["asks"]} == matcher.book(market)
            matcher.run(200)
            for market in markets:
                body = (
                    await _until(
                        c,
                        f"/v1/markets/{market}/book?depth=1000",
                        field("sequence", matcher.book_sequence(market)),
                    )
                ).json()
                assert {"bids": body["bids"], "asks": body["asks"]} == matcher.book(market)


async def test_a_worker_that_misses_an_update_reloads_the_snapshot(
    pipeline: Pipeline, market_client: httpx.AsyncClient
) -> None:
    settings, matcher, feed = pipeline
    matcher.run(100)
    market = max(matcher.reference.sessions, key=matcher.book_sequence)
    sequence = matcher.book_sequence(market)
    await _until(market_client, f"/v1/markets/{market}/book", field("sequence", sequence))
    feed.stop()  # from here on this test writes as the feed would
    await anyio.sleep(0.5)
    keys = BusKeys(settings.market_data.redis_prefix)
    channel = f"book:{market}"
    later = {"bids": [{"price": 7, "quantity": 3, "order_count": 1}], "asks": [], "complete": True}
    client = redis.Redis(host=settings.redis.host, port=settings.redis.port)
    try:
        client.set(keys.snapshot(channel), snapshot_document(channel, sequence + 10, later))
        # An update whose predecessor this worker never saw: it must reload the snapshot.
        update = Update(channel, sequence + 5, sequence + 10, {"levels": [], "complete": True})
        client.publish(keys.updates(channel), dumps(update.to_json()))
    finally:
        client.close()
    body = (
        await _until(market_client, f"/v1/markets/{market}/book", field("sequence", sequence + 10))
    ).json()
    assert (body["bids"], body["asks"]) == (later["bids"], later["asks"])
