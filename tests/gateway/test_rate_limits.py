"""Rate limits per client IP and per signed-in wallet in the real Redis: 429 ``rate_limited``
with ``Retry-After`` and the standard body, exempt routes, classes counted apart, and fail-open
when Redis does not answer (in-process app; tests/gateway/test_rate_limits_process.py runs a
real gateway process)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st
from redis.asyncio import Redis

from gridtokenx.config import RateLimitSettings, Settings
from gridtokenx.gateway.app import create_app
from gridtokenx.gateway.metrics import RATE_LIMIT_FAIL_OPEN
from gridtokenx.gateway.rate_limits import RateLimiter, retry_after_s, route_class
from tests.gateway.conftest import Clock
from tests.gateway.wallet import BrowserWallet, bearer, sign_in
from tests.utils.ports import free_port

pytestmark = pytest.mark.anyio


def limits(**values: int) -> RateLimitSettings:
    """Every class unlimited except ``values``, under a prefix of this test's own."""
    unlimited = {
        f"{klass}_per_{key}": 0
        for klass in ("auth", "orders", "public", "write", "read")
        for key in ("ip", "wallet")
    }
    return RateLimitSettings.model_validate(
        {
            "window_s": 60,
            "redis_prefix": f"test-rl-{uuid.uuid4().hex[:8]}",
            **unlimited,
            **values,
        }
    )


@asynccontextmanager
async def limited_client(
    gateway_settings: Settings, clock: Clock, rate_limits: RateLimitSettings
) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(
        gateway_settings.model_copy(update={"rate_limits": rate_limits}), clock
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            yield c
    redis = Redis(host=gateway_settings.redis.host, port=gateway_settings.redis.port)
    stale = [key async for key in redis.scan_iter(f"{rate_limits.redis_prefix}:*")]
    if stale:
        await redis.delete(*stale)
    await redis.aclose()


def test_route_classes() -> None:
    assert route_class("POST", "/v1/auth/nonce") == "auth"
    assert route_class("GET", "/v1/auth/sessions") == "auth"
    assert route_class("POST", "/v1/orders/prepare") == "orders"
    assert route_class("POST", "/v1/transactions/submit") == "orders"
    assert route_class("GET", "/v1/markets/abc/book") == "public"
    assert route_class("GET", "/v1/grid/zones/live") == "public"
    assert route_class("GET", "/v1/me") == "read"
    assert route_class("GET", "/v1/me/orders") == "read"
    assert route_class("PUT", "/v1/me/email") == "write"
    assert route_class("POST", "/v1/readings/batch") == "write"
    for method, path in (
        ("GET", "/v1/health"),
        ("GET", "/v1/version"),
        ("GET", "/metrics"),
        ("GET", "/openapi.json"),
        ("OPTIONS", "/v1/orders/prepare"),
    ):
        assert route_class(method, path) is None


@given(now_s=st.floats(min_value=0, max_value=4e9, allow_nan=False), window_s=st.integers(1, 3600))
def test_retry_after_reaches_the_end_of_the_window(now_s: float, window_s: int) -> None:
    wait = retry_after_s(now_s, window_s)
    assert 1 <= wait <= window_s
    # Waiting that long lands in a later window.
    assert int((now_s + wait) // window_s) > int(now_s // window_s)


@pytest.mark.integration
async def test_the_request_past_the_ip_limit_gets_429_with_retry_after(
    gateway_settings: Settings, clock: Clock
) -> None:
    async with limited_client(gateway_settings, clock, limits(auth_per_ip=3)) as client:
        for _ in range(3):
            assert (await client.post("/v1/auth/nonce", json={})).status_code == 201
        refused = await client.post("/v1/auth/nonce", json={})
        assert refused.status_code == 429
        body = refused.json()
        assert set(body) == {"code", "message", "details"}
        assert body["code"] == "rate_limited"
        assert body["details"]["route_class"] == "auth"
        assert body["details"]["key"] == "ip"
        assert body["details"]["limit"] == 3
        retry = int(refused.headers["retry-after"])
        assert 1 <= retry <= 60
        assert body["details"]["retry_after_s"] == retry
        assert refused.headers["x-request-id"]
        # Other classes, health and metrics are counted apart or not at all.
        for _ in range(5):
            assert (await client.get("/v1/health")).status_code in (200, 503)
            assert (await client.get("/metrics")).status_code == 200
            assert (await client.get("/v1/version")).status_code == 200
        assert (await client.get("/v1/me")).status_code == 401


@pytest.mark.integration
async def test_each_wallet_has_its_own_allowance(gateway_settings: Settings, clock: Clock) -> None:
    async with limited_client(gateway_settings, clock, limits(read_per_wallet=2)) as client:
        first, second = BrowserWallet(), BrowserWallet()
        first_headers = bearer(await sign_in(client, first))
        second_headers = bearer(await sign_in(client, second))
        for _ in range(2):
            assert (await client.get("/v1/me", headers=first_headers)).status_code == 200
        refused = await client.get("/v1/me", headers=first_headers)
        assert refused.status_code == 429
        assert refused.json()["details"]["key"] == "wallet"
        # The same address with another wallet is still admitted: the limit is the wallet's.
        assert (await client.get("/v1/me", headers=second_headers)).status_code == 200
        # A request without a valid token does not count against any wallet.
        forged = {"Authorization": "Bearer not-a-token"}
        assert (await client.get("/v1/me", headers=forged)).status_code == 401


@pytest.mark.integration
async def test_a_limiter_without_redis_lets_requests_through_and_counts_them() -> None:
    dead = Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=1)
    limiter = RateLimiter(dead, limits(write_per_ip=1))
    before = RATE_LIMIT_FAIL_OPEN._value.get()
    for _ in range(3):
        assert await limiter.check("write", "198.51.100.7", None, 1_000.0) is None
    # One failed round trip, then the back-off skips Redis; every request is counted.
    assert RATE_LIMIT_FAIL_OPEN._value.get() == before + 3
    await dead.aclose()


@pytest.mark.integration
async def test_the_limiter_counts_in_redis_for_every_worker(running_stack: Settings) -> None:
    redis = Redis(host=running_stack.redis.host, port=running_stack.redis.port)
    settings = limits(write_per_ip=2)
    # Two workers: two limiters over the same Redis share one count.
    first, second = RateLimiter(redis, settings), RateLimiter(redis, settings)
    assert await first.check("write", "198.51.100.9", None, 120.5) is None
    assert await second.check("write", "198.51.100.9", None, 121.0) is None
    refusal = await first.check("write", "198.51.100.9", None, 130.0)
    assert refusal is not None
    assert (refusal.key, refusal.limit, refusal.retry_after_s) == ("ip", 2, 50)
    # The next window starts afresh.
    assert await second.check("write", "198.51.100.9", None, 180.0) is None
    await redis.delete(*[key async for key in redis.scan_iter(f"{settings.redis_prefix}:*")])
    await redis.aclose()
