"""The batch route with its backing services down (addresses where nothing listens): Kafka
without an acknowledgement and Redis without the rate limiter both answer 503 with
Retry-After, never 202."""

from __future__ import annotations

import base64
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from gridtokenx.config import PostgresSettings, RedisSettings, Settings
from gridtokenx.gateway.app import create_app
from tests.gateway.conftest import Clock
from tests.gateway.energy_data import commission
from tests.utils.ports import free_port

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@asynccontextmanager
async def _client(settings: Settings, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            yield c


def _without_kafka(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "kafka": settings.kafka.model_copy(update={"port": free_port()}),
            "gateway": settings.gateway.model_copy(update={"readings_ack_timeout_s": 1.0}),
        }
    )


def _without_redis(settings: Settings) -> Settings:
    return settings.model_copy(update={"redis": RedisSettings(port=free_port())})


@pytest.mark.parametrize(
    ("break_service", "code", "service"),
    [
        (_without_kafka, "readings_not_acknowledged", "kafka"),
        (_without_redis, "service_unavailable", "redis"),
    ],
)
async def test_a_batch_without_its_services_answers_503(
    gateway_settings: Settings,
    accounts_database: PostgresSettings,
    clock: Clock,
    break_service: Callable[[Settings], Settings],
    code: str,
    service: str,
) -> None:
    meter = commission(accounts_database)
    message, signature = meter.signed(1, 1, int(time.time() * 1000))
    body = {
        "readings": [
            {
                "message": base64.b64encode(message).decode(),
                "signature": base64.b64encode(signature).decode(),
            }
        ]
    }
    async with _client(break_service(gateway_settings), clock) as client:
        response = await client.post("/v1/readings/batch", json=body)
    assert response.status_code == 503, response.text
    assert response.json()["code"] == code
    assert response.json()["details"] == {"service": service}
    assert response.headers["retry-after"] == "5"
