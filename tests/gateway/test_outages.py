"""Backing services down: health says which, and requests answer 503 with Retry-After
(addresses where nothing listens, not mocks)."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from gridtokenx.config import RedisSettings, Settings
from gridtokenx.gateway.app import create_app
from tests.gateway.conftest import Clock
from tests.gateway.wallet import BrowserWallet, request_nonce
from tests.utils.ports import free_port

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
            assert health.json() == {"status": "degraded", "postgres": "ok", "redis": "unavailable"}
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
            assert health.json() == {"status": "degraded", "postgres": "unavailable", "redis": "ok"}
            wallet = BrowserWallet()
            nonce = await request_nonce(client)
            signed = await client.post(
                "/v1/auth/sign-in", json=wallet.sign_in_output(nonce["input"])
            )
            assert signed.status_code == 503
            assert signed.json()["details"] == {"service": "postgres"}
            assert signed.headers["retry-after"] == "5"
            assert "set-cookie" not in signed.headers
