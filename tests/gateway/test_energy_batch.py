"""``POST /v1/readings/batch``: device-signed readings onto a (scratch) ``meter-readings``
topic, 202 only after the broker acknowledged; refusals produce nothing."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from gridtokenx.chain.registry.accounts import MeterStatus
from gridtokenx.config import PostgresSettings, Settings
from gridtokenx.telemetry.envelope import encode_envelope
from gridtokenx.telemetry.reading import READING_DOMAIN_TAG
from tests.gateway.energy_data import FieldMeter, commission
from tests.utils.kafka import read_all, scratch_topics

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

LIMIT = 4


@pytest.fixture
def readings_topic(running_stack: Settings) -> Iterator[str]:
    with scratch_topics(running_stack.kafka.bootstrap_servers, {"readings": 1}) as topics:
        yield topics["readings"]


@pytest.fixture
def gateway_settings(gateway_settings: Settings, readings_topic: str) -> Settings:
    return gateway_settings.model_copy(
        update={
            "telemetry": gateway_settings.telemetry.model_copy(
                update={"readings_topic": readings_topic}
            ),
            "gateway": gateway_settings.gateway.model_copy(
                update={"meter_readings_per_window": LIMIT, "meter_rate_window_s": 3600}
            ),
        }
    )


def _body(*signed: tuple[bytes, bytes]) -> dict[str, list[dict[str, str]]]:
    return {
        "readings": [
            {
                "message": base64.b64encode(message).decode(),
                "signature": base64.b64encode(signature).decode(),
            }
            for message, signature in signed
        ]
    }


def _records(settings: Settings, topic: str) -> list[tuple[bytes | None, bytes | None]]:
    return [
        (record.key(), record.value())
        for record in read_all(settings.kafka.bootstrap_servers, topic, 1)
    ]


async def test_a_signed_batch_is_on_the_topic_when_202_answers(
    client: httpx.AsyncClient,
    accounts_database: PostgresSettings,
    gateway_settings: Settings,
    readings_topic: str,
) -> None:
    first, second = commission(accounts_database), commission(accounts_database)
    now_ms = int(time.time() * 1000)
    signed = [
        first.signed(10, 1, now_ms),
        second.signed(0, 7, now_ms),
        first.signed(12, 1, now_ms + 1),
    ]

    response = await client.post("/v1/readings/batch", json=_body(*signed))

    assert response.status_code == 202, response.text
    assert response.json() == {"accepted": 3, "topic": readings_topic}
    # No wait: the broker already acknowledged every record when 202 answered.
    assert _records(gateway_settings, readings_topic) == [
        (meter.meter_id.bytes, encode_envelope(message, signature))
        for meter, (message, signature) in zip((first, second, first), signed, strict=True)
    ]


async def test_malformed_batches_get_422_with_a_code_and_produce_nothing(
    client: httpx.AsyncClient,
    accounts_database: PostgresSettings,
    gateway_settings: Settings,
    readings_topic: str,
) -> None:
    meter = commission(accounts_database)
    message, signature = meter.signed(1, 1, int(time.time() * 1000))
    good = _body((message, signature))["readings"][0]
    retagged = b"GRIDTOKENX:RDG:2" + message[len(READING_DOMAIN_TAG) :]
    cases = [
        ({}, "validation_failed"),
        ({"readings": []}, "validation_failed"),
        ({"readings": [good] * 1001}, "validation_failed"),
        ({"readings": [{**good, "message": "not base64!"}]}, "validation_failed"),
        (
            {"readings": [{**good, "message": base64.b64encode(message[:55]).decode()}]},
            "validation_failed",
        ),
        (
            {"readings": [{**good, "signature": base64.b64encode(signature + b"x").decode()}]},
            "validation_failed",
        ),
        ({"readings": [{"message": 56, "signature": good["signature"]}]}, "validation_failed"),
        (_body((message, signature), (retagged, signature)), "reading_rejected"),
    ]
    for body, code in cases:
        response = await client.post("/v1/readings/batch", json=body)
        assert (response.status_code, response.json()["code"]) == (422, code), body
    not_json = await client.post(
        "/v1/readings/batch", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert (not_json.status_code, not_json.json()["code"]) == (422, "validation_failed")
    rejected = await client.post("/v1/readings/batch", json=cases[-1][0])
    assert rejected.json()["details"]["index"] == 1
    assert _records(gateway_settings, readings_topic) == []


async def test_unknown_inactive_and_forged_readings_are_refused(
    client: httpx.AsyncClient,
    accounts_database: PostgresSettings,
    gateway_settings: Settings,
    readings_topic: str,
) -> None:
    now_ms = int(time.time() * 1000)
    meter = commission(accounts_database)
    suspended = commission(
        accounts_database,
        owner=FieldMeter().device.pubkey().__str__(),
        status=MeterStatus.SUSPENDED,
    )
    unknown = FieldMeter(meter_id=uuid.uuid4())
    forger = FieldMeter(meter_id=meter.meter_id)  # the right id, another key
    for signed, status, code in [
        (unknown.signed(1, 1, now_ms), 422, "reading_rejected"),
        (suspended.signed(1, 1, now_ms), 422, "reading_rejected"),
        (forger.signed(1, 1, now_ms), 401, "reading_signature_invalid"),
    ]:
        response = await client.post(
            "/v1/readings/batch", json=_body(meter.signed(1, 1, now_ms), signed)
        )
        assert (response.status_code, response.json()["code"]) == (status, code), response.text
        assert response.json()["details"]["index"] == 1
    # A signature over one reading does not carry over to another.
    _, signature = meter.signed(5, 5, now_ms)
    other, _ = meter.signed(6, 5, now_ms)
    swapped = await client.post("/v1/readings/batch", json=_body((other, signature)))
    assert swapped.status_code == 401
    assert _records(gateway_settings, readings_topic) == []


async def test_a_meter_over_its_limit_gets_429_with_retry_after(
    client: httpx.AsyncClient,
    accounts_database: PostgresSettings,
    gateway_settings: Settings,
    readings_topic: str,
) -> None:
    meter, neighbour = commission(accounts_database), commission(accounts_database)
    now_ms = int(time.time() * 1000)
    within = [meter.signed(i, 0, now_ms + i) for i in range(LIMIT)]
    accepted = await client.post("/v1/readings/batch", json=_body(*within))
    assert accepted.status_code == 202, accepted.text

    over = await client.post(
        "/v1/readings/batch",
        json=_body(neighbour.signed(1, 0, now_ms), meter.signed(99, 0, now_ms + 99)),
    )

    assert over.status_code == 429, over.text
    body = over.json()
    assert body["code"] == "rate_limited"
    assert body["details"]["meters"] == [str(meter.meter_id)]
    retry_after = int(over.headers["Retry-After"])
    assert 1 <= retry_after <= 3600
    assert body["details"]["retry_after_s"] == retry_after
    # The refused batch produced nothing, its other meter's reading included.
    assert len(_records(gateway_settings, readings_topic)) == LIMIT
    alone = await client.post("/v1/readings/batch", json=_body(neighbour.signed(2, 0, now_ms)))
    assert alone.status_code == 202
