"""The book's fast path against the FastAPI route: the same answers, a new body after each
book change, and every request it does not serve left to the route (real Redis, in-process
app)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import pytest
import redis
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st
from solders.keypair import Keypair

from gridtokenx.config import MarketDataSettings, Settings
from gridtokenx.gateway.app import create_app
from gridtokenx.gateway.book_fast_path import plain_depth
from gridtokenx.gateway.feed.bus import BusKeys, dumps, snapshot_document
from tests.gateway.conftest import Clock

pytestmark = pytest.mark.anyio

MARKET = str(Keypair().pubkey())
CHANNEL = f"book:{MARKET}"
BIDS = [{"price": 3_000 - 100 * i, "quantity": 10 + i, "order_count": 1 + i % 3} for i in range(8)]
ASKS = [{"price": 3_100 + 100 * i, "quantity": 20 + i, "order_count": 1} for i in range(8)]


@given(depth=st.integers(min_value=-5, max_value=2_000))
def test_plain_depth_takes_exactly_the_valid_depths(depth: int) -> None:
    expected = depth if 1 <= depth <= 1000 else None
    assert plain_depth(f"depth={depth}".encode()) == expected


def test_plain_depth_leaves_anything_else_to_the_route() -> None:
    assert plain_depth(b"") == 50
    for query in (b"depth=", b"depth=05", b"depth=5&x=1", b"x=1", b"depth=1e3", b"depth=+5"):
        assert plain_depth(query) is None


@pytest.fixture
async def seeded(running_stack: Settings) -> AsyncIterator[tuple[redis.Redis, BusKeys]]:
    keys = BusKeys(f"test-md-{uuid.uuid4().hex[:8]}")
    store = redis.Redis(host=running_stack.redis.host, port=running_stack.redis.port)
    store.sadd(keys.markets, MARKET)
    snapshot = {"bids": BIDS, "asks": ASKS, "complete": True}
    store.set(keys.snapshot(CHANNEL), snapshot_document(CHANNEL, 40, snapshot))
    try:
        yield store, keys
    finally:
        store.delete(*store.scan_iter(f"{keys.prefix}:*"))
        store.close()


@pytest.fixture
async def client(
    gateway_settings: Settings, clock: Clock, seeded: tuple[redis.Redis, BusKeys]
) -> AsyncIterator[httpx.AsyncClient]:
    settings = gateway_settings.model_copy(
        update={"market_data": MarketDataSettings(redis_prefix=seeded[1].prefix)}
    )
    app: FastAPI = create_app(settings, clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://t") as c:
            yield c


async def until(client: httpx.AsyncClient, path: str, sequence: int) -> dict[str, Any]:
    with anyio.fail_after(30):
        while True:
            response = await client.get(path)
            if response.status_code == 200 and response.json()["sequence"] == sequence:
                body: dict[str, Any] = response.json()
                return body
            await anyio.sleep(0.05)


@pytest.mark.integration
async def test_fast_and_routed_answers_are_the_same_bytes(client: httpx.AsyncClient) -> None:
    path = f"/v1/markets/{MARKET}/book"
    await until(client, path, 40)
    fast = await client.get(f"{path}?depth=3")
    # A leading zero is a valid integer to the route but not a plain query to the fast path.
    routed = await client.get(f"{path}?depth=03")
    extra = await client.get(f"{path}?depth=3&unused=1")
    assert fast.status_code == routed.status_code == extra.status_code == 200
    assert fast.content == routed.content == extra.content
    assert fast.headers["content-type"] == routed.headers["content-type"] == "application/json"
    assert fast.json() == {
        "market": MARKET,
        "sequence": 40,
        "bids": BIDS[:3],
        "asks": ASKS[:3],
        "complete": True,
    }
    assert (await client.get(path)).json()["bids"] == BIDS  # default depth 50


@pytest.mark.integration
async def test_requests_the_fast_path_does_not_serve_get_the_routes_errors(
    client: httpx.AsyncClient,
) -> None:
    path = f"/v1/markets/{MARKET}/book"
    await until(client, path, 40)
    for query in ("depth=0", "depth=1001", "depth=x"):
        response = await client.get(f"{path}?{query}")
        assert (response.status_code, response.json()["code"]) == (422, "validation_failed")
    unknown = await client.get(f"/v1/markets/{Keypair().pubkey()}/book")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "market_not_found")
    short = await client.get("/v1/markets/abc/book")
    assert short.status_code == 422


@pytest.mark.integration
async def test_a_book_change_replaces_the_cached_body(
    client: httpx.AsyncClient, seeded: tuple[redis.Redis, BusKeys]
) -> None:
    store, keys = seeded
    path = f"/v1/markets/{MARKET}/book?depth=2"
    before = await until(client, path, 40)
    assert before["bids"] == BIDS[:2]
    level = {"side": "buy", "price": 3_050, "quantity": 7, "order_count": 1}
    update = {
        "type": "update",
        "channel": CHANNEL,
        "previous": 40,
        "sequence": 41,
        "data": {"levels": [level], "complete": True},
    }
    store.publish(keys.updates(CHANNEL), dumps(update))
    after = await until(client, path, 41)
    assert after["bids"] == [{"price": 3_050, "quantity": 7, "order_count": 1}, BIDS[0]]
