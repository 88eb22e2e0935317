"""Backing services down: health says which, and requests answer 503 with Retry-After
(addresses where nothing listens, not mocks)."""

from __future__ import annotations

import httpx
import pytest
import redis
from fastapi import FastAPI

from gridtokenx.config import RedisSettings, Settings
from gridtokenx.gateway.app import create_app
from gridtokenx.gateway.routes.health import features_off
from tests.gateway.conftest import Clock
from tests.gateway.wallet import BrowserWallet, request_nonce
from tests.utils.ports import free_port
from tests.utils.scratch_redis import scratch_redis

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@pytest.fixture
def app_without_redis(gateway_settings: Settings, clock: Clock) -> FastAPI:
    nowhere = RedisSettings(port=free_port())  # nothing listens there
    return create_app(gateway_settings.model_copy(update={"redis": nowhere}), clock)


async def test_redis_down_is_reported_and_refused_with_retry_after(
    app_without_redis: FastAPI,
) -> None:
    app = app_without_redis
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            health = await client.get("/v1/health")
            assert health.status_code == 503
            assert health.json() == {
                "status": "degraded",
                "postgres": "ok",
                "redis": "unavailable",
                "features_off": features_off({"postgres": "ok", "redis": "unavailable"}),
                "features_reduced": ["market_data"],
            }
            assert "sign_in" in health.json()["features_off"]
            nonce = await client.post("/v1/auth/nonce", json={})
            assert nonce.status_code == 503
            assert nonce.json()["code"] == "service_unavailable"
            assert nonce.json()["details"] == {"service": "redis"}
            assert nonce.headers["retry-after"] == "5"


async def test_postgres_down_is_reported_and_sign_in_refused_with_retry_after(
    gateway_settings: Settings, clock: Clock
) -> None:
    nowhere = gateway_settings.postgres.model_copy(update={"port": free_port()})
    app = create_app(gateway_settings.model_copy(update={"postgres": nowhere}), clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            health = await client.get("/v1/health")
            assert health.status_code == 503
            assert health.json() == {
                "status": "degraded",
                "postgres": "unavailable",
                "redis": "ok",
                "features_off": features_off({"postgres": "unavailable", "redis": "ok"}),
                "features_reduced": [],
            }
            assert {"accounts", "orders"} <= set(health.json()["features_off"])
            wallet = BrowserWallet()
            nonce = await request_nonce(client)
            signed = await client.post(
                "/v1/auth/sign-in", json=wallet.sign_in_output(nonce["input"])
            )
            assert signed.status_code == 503
            assert signed.json()["details"] == {"service": "postgres"}
            assert signed.headers["retry-after"] == "5"
            assert "set-cookie" not in signed.headers


async def test_postgres_down_sign_in_leaves_no_session_behind(
    gateway_settings: Settings, clock: Clock
) -> None:
    """The refused sign-in writes nothing: its own scratch Redis holds no session afterwards."""
    nowhere = gateway_settings.postgres.model_copy(update={"port": free_port()})
    with scratch_redis() as server:
        settings = gateway_settings.model_copy(
            update={"postgres": nowhere, "redis": RedisSettings(port=server.port)}
        )
        app = create_app(settings, clock)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
                nonce = await request_nonce(c)
                signed = await c.post(
                    "/v1/auth/sign-in", json=BrowserWallet().sign_in_output(nonce["input"])
                )
                assert (signed.status_code, signed.json()["code"]) == (503, "service_unavailable")
                assert signed.headers["retry-after"] == "5"
        client = redis.Redis(port=server.port, decode_responses=True)
        try:
            keys = [str(key) for key in client.keys("*")]
        finally:
            client.close()
        assert not [key for key in keys if ":session" in key or "user-sessions" in key], keys
