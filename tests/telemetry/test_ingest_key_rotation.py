"""A meter's device key rotated while ingestion runs: the new key is used without a restart."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from solders.keypair import Keypair

from gridtokenx.config import Settings
from gridtokenx.telemetry.dead_letter import DeadLetterPublisher
from gridtokenx.telemetry.influx_writer import InfluxWriter
from gridtokenx.telemetry.ingest import IngestionService
from gridtokenx.telemetry.validation import RejectReason
from tests.telemetry.pipeline import Pipeline, SimMeter, private_pipeline, wait_for

pytestmark = pytest.mark.integration


@contextmanager
def _running_ingestion(pipeline: Pipeline, meter_refresh_ms: int) -> Iterator[IngestionService]:
    settings = pipeline.settings
    settings = settings.model_copy(
        update={
            "telemetry": settings.telemetry.model_copy(
                update={"meter_refresh_ms": meter_refresh_ms}
            )
        }
    )
    service = IngestionService(
        settings,
        pipeline.repository,
        InfluxWriter(settings.influx),
        DeadLetterPublisher(settings.kafka.bootstrap_servers, settings.telemetry.dead_letter_topic),
    )
    worker = threading.Thread(target=service.run)
    worker.start()
    try:
        yield service
    finally:
        service.stop()
        worker.join(timeout=30)


def _rotate(pipeline: Pipeline, meter: SimMeter) -> None:
    """What the gateway's rotation does to the meter's row once the chain holds the new key."""
    meter.device = Keypair()
    with psycopg.connect(pipeline.settings.postgres.url) as connection:
        connection.execute(
            "UPDATE meters SET device_pubkey = %s WHERE meter_id = %s",
            (bytes(meter.device.pubkey()), meter.meter_id),
        )


def _send(pipeline: Pipeline, meter: SimMeter, signer: Keypair | None = None) -> None:
    message, signature = meter.next_reading(50, 0, minutes=5)
    if signer is not None:
        signature = bytes(signer.sign_message(message))
    pipeline.publish(meter, (message, signature))
    pipeline.producer.flush()


def test_a_reading_signed_by_the_new_key_is_accepted_at_once_and_the_old_key_refused(
    running_stack: Settings,
) -> None:
    # A refresh period far longer than the test: only the bad-signature re-read can help.
    with private_pipeline(running_stack) as pipeline:
        (meter,) = pipeline.commission(1)
        with _running_ingestion(pipeline, meter_refresh_ms=3_600_000) as service:
            _send(pipeline, meter)
            wait_for(lambda: service.counters.accepted == 1)
            old_key = meter.device
            _rotate(pipeline, meter)

            _send(pipeline, meter)
            wait_for(lambda: service.counters.accepted == 2)
            assert service.counters.device_key_changes == 1
            assert not service.counters.rejected

            _send(pipeline, meter, signer=old_key)
            wait_for(lambda: sum(service.counters.rejected.values()) == 1)
            assert dict(service.counters.rejected) == {RejectReason.BAD_SIGNATURE.value: 1}
            assert service.counters.accepted == 2


def test_the_periodic_refresh_picks_up_a_rotation_and_a_deactivation(
    running_stack: Settings,
) -> None:
    with private_pipeline(running_stack) as pipeline:
        (meter,) = pipeline.commission(1)
        with _running_ingestion(pipeline, meter_refresh_ms=100) as service:
            _send(pipeline, meter)
            wait_for(lambda: service.counters.accepted == 1)
            _rotate(pipeline, meter)
            wait_for(lambda: service.counters.device_key_changes == 1)
            _send(pipeline, meter)
            wait_for(lambda: service.counters.accepted == 2)

            with psycopg.connect(pipeline.settings.postgres.url) as connection:
                connection.execute(
                    "UPDATE meters SET status = 2 WHERE meter_id = %s", (meter.meter_id,)
                )
            # A read that began before the update committed may miss it; the next one cannot.
            refreshes = service.counters.profile_refreshes
            wait_for(lambda: service.counters.profile_refreshes >= refreshes + 2)
            _send(pipeline, meter)
            wait_for(lambda: sum(service.counters.rejected.values()) == 1)
            assert dict(service.counters.rejected) == {RejectReason.METER_NOT_ACTIVE.value: 1}
            assert service.counters.accepted == 2
