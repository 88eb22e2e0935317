"""The ingestion service against the real Kafka, InfluxDB and PostgreSQL."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from confluent_kafka import Message
from solders.keypair import Keypair

from gridtokenx.config import Settings
from gridtokenx.telemetry.dead_letter import DeadLetterPublisher
from gridtokenx.telemetry.envelope import encode_envelope
from gridtokenx.telemetry.influx_writer import InfluxWriter
from gridtokenx.telemetry.ingest import IngestionService
from gridtokenx.telemetry.intervals import INTERVAL_MS
from gridtokenx.telemetry.validation import RejectReason
from tests.telemetry.pipeline import PARTITIONS, Pipeline, SimMeter, private_pipeline
from tests.utils.kafka import read_all

pytestmark = pytest.mark.integration

Expected = dict[uuid.UUID, list[tuple[int, int, int]]]


def _service(pipeline: Pipeline, now_ms: int) -> IngestionService:
    settings = pipeline.settings
    return IngestionService(
        settings,
        pipeline.repository,
        InfluxWriter(settings.influx),
        DeadLetterPublisher(settings.kafka.bootstrap_servers, settings.telemetry.dead_letter_topic),
        now_ms=lambda: now_ms,
    )


def test_readings_land_in_influx_and_postgres_and_bad_ones_in_the_dead_letter_topic(
    running_stack: Settings,
) -> None:
    with private_pipeline(running_stack) as pipeline:
        meters = pipeline.commission(3)
        expected: Expected = {m.meter_id: [] for m in meters}
        for step in range(12):
            for index, meter in enumerate(meters):
                pipeline.publish(meter, meter.next_reading(100 + index, 7, minutes=5))
                expected[meter.meter_id].append(
                    (meter.timestamp_ms, meter.export_wh, meter.import_wh)
                )
            if step == 5:
                # A meter that sends the same reading twice: dropped, not stored twice.
                pipeline.publish(meters[0], meters[0].sign(*_last(expected, meters[0])))
        victim = meters[1]
        bad = [
            (victim.meter_id.bytes, encode_envelope(*_forged(victim)), RejectReason.BAD_SIGNATURE),
            (
                uuid.uuid4().bytes,
                encode_envelope(*SimMeter(uuid.uuid4(), victim.device).next_reading(1, 0, 1)),
                RejectReason.KEY_MISMATCH,
            ),
            (
                victim.meter_id.bytes,
                encode_envelope(*victim.sign(1, victim.import_wh, victim.timestamp_ms + 60_000)),
                RejectReason.REGISTER_BACKWARDS,
            ),
            (victim.meter_id.bytes, b"\x01garbage", RejectReason.MALFORMED),
            (victim.meter_id.bytes, b"\x07" + bytes(120), RejectReason.UNSUPPORTED_SCHEMA),
            (
                victim.meter_id.bytes,
                encode_envelope(*victim.sign(victim.export_wh + 1, 0, 10**15)),
                RejectReason.FUTURE_TIMESTAMP,
            ),
        ]
        stranger = SimMeter(uuid.uuid4(), victim.device)
        bad.append(
            (
                stranger.meter_id.bytes,
                encode_envelope(*stranger.next_reading(1, 0, 1)),
                RejectReason.UNKNOWN_METER,
            )
        )
        for key, value, _ in bad:
            pipeline.producer.publish_raw(key, value)
        pipeline.producer.flush()

        service = _service(pipeline, now_ms=meters[0].timestamp_ms + 60_000)
        counters = service.run(max_idle_polls=3)

        total = sum(len(readings) for readings in expected.values())
        assert counters.accepted == total
        assert counters.duplicates == 1
        assert dict(counters.rejected) == {reason.value: 1 for _, _, reason in bad}
        assert pipeline.influx_point_count() == total
        assert pipeline.repository.rejection_counts() == dict(counters.rejected)
        with psycopg.connect(pipeline.settings.postgres.url) as connection:
            marks: dict[uuid.UUID, str] = dict(
                connection.execute(
                    "SELECT meter_id, (timestamp_ms, export_wh, import_wh)::text "
                    "FROM meter_watermarks"
                ).fetchall()
            )
            intervals = connection.execute(
                "SELECT meter_id, count(*), max(last_export_wh) FROM meter_intervals "
                "GROUP BY meter_id"
            ).fetchall()
        for meter in meters:
            ts, export_wh, import_wh = expected[meter.meter_id][-1]
            assert marks[meter.meter_id] == f"({ts},{export_wh},{import_wh})"
        spans = {m: {t - t % INTERVAL_MS for t, _, _ in expected[m]} for m in expected}
        assert {row[0]: (row[1], row[2]) for row in intervals} == {
            m: (len(spans[m]), expected[m][-1][1]) for m in expected
        }
        dead = read_all(
            running_stack.kafka.bootstrap_servers, pipeline.settings.telemetry.dead_letter_topic, 1
        )
        reasons = sorted(_header(record, "reason") for record in dead)
        assert reasons == sorted(reason.value for _, _, reason in bad)
        offsets = pipeline.repository.load_offsets(
            pipeline.settings.telemetry.consumer_group, pipeline.settings.telemetry.readings_topic
        )
        assert sum(offsets.values()) == total + 1 + len(bad)
        assert set(offsets) <= set(range(PARTITIONS))


def _header(record: Message, name: str) -> str:
    value = dict(record.headers() or [])[name]
    assert isinstance(value, bytes)
    return value.decode()


def _last(
    expected: dict[uuid.UUID, list[tuple[int, int, int]]], meter: SimMeter
) -> tuple[int, int, int]:
    ts, export_wh, import_wh = expected[meter.meter_id][-1]
    return export_wh, import_wh, ts


def _forged(meter: SimMeter) -> tuple[bytes, bytes]:
    message, _ = meter.sign(meter.export_wh + 10, meter.import_wh, meter.timestamp_ms + 60_000)
    impostor = SimMeter(meter.meter_id, Keypair())
    _, signature = impostor.sign(meter.export_wh + 10, meter.import_wh, meter.timestamp_ms + 60_000)
    return message, signature
