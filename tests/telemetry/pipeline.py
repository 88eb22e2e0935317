"""A private ingestion pipeline on the running stack: its own topics, database and Influx DB."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from solders.keypair import Keypair

from gridtokenx.config import Settings, TelemetrySettings
from gridtokenx.core.ids import MeterId
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.stack.services.influxdb import InfluxService
from gridtokenx.telemetry.producer import ReadingProducer
from gridtokenx.telemetry.reading import ReadingMessage, encode_reading
from gridtokenx.telemetry.repository import TelemetryRepository
from tests.utils.databases import scratch_database
from tests.utils.kafka import scratch_topics

PARTITIONS = 3
# Recent enough for InfluxDB's retention policy, on a 15-minute boundary.
COMMISSIONED_MS = (time.time_ns() // 1_000_000 - 86_400_000) // 900_000 * 900_000
MAX_POWER_W = 20_000


@dataclass
class SimMeter:
    meter_id: uuid.UUID
    device: Keypair
    export_wh: int = 0
    import_wh: int = 0
    timestamp_ms: int = COMMISSIONED_MS

    def next_reading(self, export_step: int, import_step: int, minutes: int) -> tuple[bytes, bytes]:
        self.export_wh += export_step
        self.import_wh += import_step
        self.timestamp_ms += minutes * 60_000
        return self.sign(self.export_wh, self.import_wh, self.timestamp_ms)

    def sign(self, export_wh: int, import_wh: int, timestamp_ms: int) -> tuple[bytes, bytes]:
        message = encode_reading(
            ReadingMessage(
                meter_id=MeterId(self.meter_id),
                export_wh=export_wh,
                import_wh=import_wh,
                timestamp_ms=timestamp_ms,
            )
        )
        return message, bytes(self.device.sign_message(message))


@dataclass
class Pipeline:
    settings: Settings
    repository: TelemetryRepository
    producer: ReadingProducer

    def commission(self, count: int) -> list[SimMeter]:
        meters = [SimMeter(uuid.uuid4(), Keypair()) for _ in range(count)]
        for meter in meters:
            self.repository.commission_meter(
                meter.meter_id,
                kind=1,
                device_pubkey=bytes(meter.device.pubkey()),
                max_export_w=MAX_POWER_W,
                max_import_w=MAX_POWER_W,
                commissioned_at_ms=COMMISSIONED_MS,
            )
        return meters

    def publish(self, meter: SimMeter, signed: tuple[bytes, bytes]) -> None:
        self.producer.publish(meter.meter_id.bytes, *signed)

    def ingest_environment(self, instance_id: str) -> dict[str, str]:
        """Environment for a `gridtokenx telemetry ingest` process on this pipeline."""
        settings = self.settings
        return {
            **os.environ,
            "GRIDTOKENX_POSTGRES__DATABASE": settings.postgres.database,
            "GRIDTOKENX_INFLUX__DATABASE": settings.influx.database,
            "GRIDTOKENX_TELEMETRY__READINGS_TOPIC": settings.telemetry.readings_topic,
            "GRIDTOKENX_TELEMETRY__DEAD_LETTER_TOPIC": settings.telemetry.dead_letter_topic,
            "GRIDTOKENX_TELEMETRY__CONSUMER_GROUP": settings.telemetry.consumer_group,
            "GRIDTOKENX_TELEMETRY__INSTANCE_ID": instance_id,
        }

    def applied_offsets(self) -> int:
        """Records the pipeline's ingestion has applied (the offsets stored in PostgreSQL)."""
        telemetry = self.settings.telemetry
        offsets = self.repository.load_offsets(telemetry.consumer_group, telemetry.readings_topic)
        return sum(offsets.values())

    def influx_query(self, statement: str) -> list[list[Any]]:
        influx = self.settings.influx
        with httpx.Client(base_url=influx.url, timeout=10.0) as client:
            answer = client.get("/query", params={"db": influx.database, "q": statement}).json()
        series = answer["results"][0].get("series", [])
        return series[0]["values"] if series else []

    def influx_point_count(self) -> int:
        values = self.influx_query("SELECT count(export_wh) FROM readings.readings")
        return int(values[0][1]) if values else 0


def wait_for(condition: Callable[[], bool], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@contextmanager
def private_pipeline(stack: Settings, partitions: int = PARTITIONS) -> Iterator[Pipeline]:
    with (
        scratch_database(stack.postgres) as postgres,
        scratch_topics(
            stack.kafka.bootstrap_servers, {"readings": partitions, "rejected": 1}
        ) as topics,
    ):
        upgrade_to_head(postgres.url)
        influx_database = f"gtx_test_{uuid.uuid4().hex[:10]}"
        settings = stack.model_copy(
            update={
                "postgres": postgres,
                "influx": stack.influx.model_copy(update={"database": influx_database}),
                "telemetry": TelemetrySettings(
                    readings_topic=topics["readings"],
                    dead_letter_topic=topics["rejected"],
                    consumer_group=f"test-{uuid.uuid4().hex[:8]}",
                    instance_id=f"test-{uuid.uuid4().hex[:8]}",
                    batch_size=400,
                    poll_timeout_ms=200,
                    retry_initial_ms=50,
                    retry_max_ms=500,
                ),
            }
        )
        InfluxService(settings).provision()
        repository = TelemetryRepository(postgres.url)
        producer = ReadingProducer(stack.kafka.bootstrap_servers, topics["readings"], linger_ms=5)
        try:
            yield Pipeline(settings, repository, producer)
        finally:
            repository.close()
            with httpx.Client(base_url=stack.influx.url, timeout=10.0) as client:
                client.post("/query", data={"q": f'DROP DATABASE "{influx_database}"'})
