"""``GET /metrics`` of the gateway: HTTP latency by route template, in-flight requests, auth
events and the book cache, read back in the Prometheus text format (in-process app on the real
PostgreSQL and Redis)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import anyio
import httpx
import pytest
import redis
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from solders.keypair import Keypair
from starlette.types import Receive, Scope, Send

from gridtokenx.config import MarketDataSettings, Settings
from gridtokenx.gateway.app import create_app
from gridtokenx.gateway.feed.bus import BusKeys, snapshot_document
from gridtokenx.gateway.metrics import HTTP_IN_FLIGHT
from gridtokenx.gateway.middleware import RequestContextMiddleware
from tests.gateway.conftest import Clock
from tests.gateway.test_sessions import COOKIE
from tests.gateway.wallet import BrowserWallet, request_nonce, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

MARKET = str(Keypair().pubkey())
Labels = dict[str, str]


async def scrape(client: httpx.AsyncClient) -> dict[str, list[tuple[Labels, float]]]:
    """Every sample of ``/metrics``: name → [(labels, value)]."""
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples: dict[str, list[tuple[Labels, float]]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((dict(sample.labels), sample.value))
    return samples


def value(samples: dict[str, list[tuple[Labels, float]]], name: str, **labels: str) -> float:
    return sum(v for found, v in samples.get(name, []) if labels.items() <= found.items())


DURATION_COUNT = "gridtokenx_gateway_http_request_duration_seconds_count"
AUTH = "gridtokenx_gateway_auth_events_total"


async def test_requests_are_observed_by_route_template_method_and_status_class(
    client: httpx.AsyncClient,
) -> None:
    before = await scrape(client)
    for _ in range(3):
        assert (await client.get("/v1/version")).status_code == 200
    assert (await client.get("/v1/no-such-route")).status_code == 404
    assert (await client.get("/v1/meters/not-a-uuid/readings")).status_code in (401, 422)
    after = await scrape(client)

    def grew(**labels: str) -> float:
        return value(after, DURATION_COUNT, **labels) - value(before, DURATION_COUNT, **labels)

    assert grew(route="/v1/version", method="GET", status_class="2xx") == 3
    assert grew(route="unmatched", method="GET", status_class="4xx") == 1
    # The template, never the concrete path: label values stay bounded.
    assert grew(route="/v1/meters/{meter_id}/readings", method="GET", status_class="4xx") == 1
    assert not any("not-a-uuid" in labels.get("route", "") for labels, _ in after[DURATION_COUNT])
    # /metrics itself is not a route: it is neither observed nor in the OpenAPI document.
    assert value(after, DURATION_COUNT, route="/metrics") == 0
    assert "/metrics" not in (await client.get("/openapi.json")).json()["paths"]


async def test_a_request_is_in_flight_while_it_runs_and_only_then() -> None:
    seen: list[float] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(HTTP_IN_FLIGHT._value.get())
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    before = HTTP_IN_FLIGHT._value.get()
    app = RequestContextMiddleware(inner)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/anything")).status_code == 204
    assert seen == [before + 1]
    assert HTTP_IN_FLIGHT._value.get() == before


async def test_sign_in_refresh_reuse_and_sign_out_are_counted(
    client: httpx.AsyncClient,
) -> None:
    before = await scrape(client)
    wallet = BrowserWallet()
    await sign_in(client, wallet)
    first = client.cookies[COOKIE]
    assert (await client.post("/v1/auth/refresh")).status_code == 200
    second = client.cookies[COOKIE]
    client.cookies.clear()
    client.cookies.set(COOKIE, first, domain="testserver.local", path="/v1/auth")
    assert (await client.post("/v1/auth/refresh")).status_code == 401  # reuse
    nonce = await request_nonce(client)
    forged = wallet.sign_in_output(nonce["input"]) | {
        "signature": base64.b64encode(bytes(64)).decode()
    }
    assert (await client.post("/v1/auth/sign-in", json=forged)).status_code == 401
    await sign_in(client, wallet)
    assert (await client.post("/v1/auth/sign-out")).status_code == 204
    after = await scrape(client)

    def grew(event: str) -> float:
        return value(after, AUTH, event=event) - value(before, AUTH, event=event)

    assert second != first
    assert grew("sign_in_success") == 2
    assert grew("sign_in_failure") == 1
    assert grew("refresh") == 1
    assert grew("refresh_reuse") == 1
    assert grew("sign_out") == 1


@pytest.fixture
async def book_client(gateway_settings: Settings, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    keys = BusKeys(f"test-md-{uuid.uuid4().hex[:8]}")
    settings = gateway_settings.model_copy(
        update={"market_data": MarketDataSettings(redis_prefix=keys.prefix)}
    )
    store = redis.Redis(host=settings.redis.host, port=settings.redis.port)
    channel = f"book:{MARKET}"
    book = {"bids": [{"price": 2_000, "quantity": 5, "order_count": 1}], "asks": []}
    store.sadd(keys.markets, MARKET)
    store.set(keys.snapshot(channel), snapshot_document(channel, 7, {**book, "complete": True}))
    app: FastAPI = create_app(settings, clock)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="https://t") as client:
                yield client
    finally:
        store.delete(*store.scan_iter(f"{keys.prefix}:*"))
        store.close()


async def test_book_reads_count_cache_hits_and_misses(book_client: httpx.AsyncClient) -> None:
    path = f"/v1/markets/{MARKET}/book"

    async def loaded() -> bool:
        return (await book_client.get(path)).status_code == 200

    await wait_for_async(loaded)
    before = await scrape(book_client)
    for _ in range(4):
        assert (await book_client.get(f"{path}?depth=3")).json()["sequence"] == 7
    after = await scrape(book_client)
    reads = "gridtokenx_gateway_market_cache_reads_total"
    assert value(after, reads, result="miss") - value(before, reads, result="miss") == 1
    assert value(after, reads, result="hit") - value(before, reads, result="hit") == 3
    # Answered by the fast path, still observed under the route's template.
    observed = value(after, DURATION_COUNT, route="/v1/markets/{market}/book") - value(
        before, DURATION_COUNT, route="/v1/markets/{market}/book"
    )
    assert observed == 4


async def wait_for_async(probe: Callable[[], Awaitable[bool]]) -> None:
    with anyio.fail_after(30):
        while not await probe():
            await anyio.sleep(0.05)
