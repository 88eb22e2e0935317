"""Simulator → Kafka → ingestion: every honest reading is stored, every fault dead-lettered."""

from __future__ import annotations

import uuid
from collections import Counter

import psycopg
import pytest
from confluent_kafka import Message

from gridtokenx.config import Settings
from gridtokenx.simulator.faults import FaultKind, OutRecord
from gridtokenx.simulator.runner import TickReport
from gridtokenx.telemetry.dead_letter import DeadLetterPublisher
from gridtokenx.telemetry.influx_writer import InfluxWriter
from gridtokenx.telemetry.ingest import IngestionService
from gridtokenx.telemetry.reading import decode_reading
from tests.simulator.service.rig import now_ms, scenario_request, service_rig, wait_for
from tests.utils.kafka import read_all

pytestmark = pytest.mark.integration

METERS = 8
REASON_OF = {
    FaultKind.CORRUPT: "malformed",
    FaultKind.FORGED_SIGNATURE: "bad_signature",
    FaultKind.CLOCK_SKEW: "future_timestamp",
}


def test_an_accelerated_run_with_faults_lands_exactly_as_intended(
    running_stack: Settings,
) -> None:
    sent: list[OutRecord] = []

    def collect(report: TickReport) -> None:
        sent.extend(report.records)

    with service_rig(running_stack) as rig:
        with rig.process() as (process, client):
            process.runner.add_listener(collect)
            # 5-minute readings at 3,000x: ten ticks a wall second, two days in the past.
            request = scenario_request(
                meter_count=METERS, seed=51, speed=3000.0, start_ms=now_ms() - 2 * 86_400_000
            )
            client.put("/v1/scenario", json=request)
            client.post("/v1/run/start")
            ids = [m["meter_id"] for m in client.get("/v1/meters").json()["meters"]]
            for kind, meter, ticks in (
                ("corrupt", 0, 2),
                ("forged_signature", 1, 2),
                ("clock_skew", 2, 1),
                ("duplicate", 3, 2),
                ("offline", 4, 3),
                ("burst", 5, 4),
            ):
                answer = client.post(
                    "/v1/faults", json={"kind": kind, "meter_ids": [ids[meter]], "ticks": ticks}
                )
                assert answer.status_code == 201, answer.text
            wait_for(lambda: client.get("/v1/faults").json() == [], "the faults to run out")
            wait_for(lambda: client.get("/v1/run").json()["ticks_published"] >= 8, "8 ticks")
            client.post("/v1/run/stop")

        faults = Counter(record.fault for record in sent)
        assert faults == Counter(
            {
                None: faults[None],
                FaultKind.CORRUPT: 2,
                FaultKind.FORGED_SIGNATURE: 2,
                FaultKind.CLOCK_SKEW: 1,
                FaultKind.DUPLICATE: 2,
                FaultKind.BURST: 4,
            }
        )
        honest = [r for r in sent if r.fault in (None, FaultKind.BURST)]
        damaged = [r for r in sent if r.fault in REASON_OF]

        settings = rig.settings
        service = IngestionService(
            settings,
            rig.pipeline.repository,
            InfluxWriter(settings.influx),
            DeadLetterPublisher(
                settings.kafka.bootstrap_servers, settings.telemetry.dead_letter_topic
            ),
        )
        counters = service.run(max_idle_polls=3)

        assert counters.accepted == len(honest)
        assert counters.duplicates == 2
        assert dict(counters.rejected) == {
            "malformed": 2,
            "bad_signature": 2,
            "future_timestamp": 1,
        }
        assert rig.pipeline.influx_point_count() == len(honest)

        dead = read_all(settings.kafka.bootstrap_servers, settings.telemetry.dead_letter_topic, 1)
        assert sorted((r.key(), r.value(), _reason(r)) for r in dead) == sorted(
            (r.key, r.value, REASON_OF[r.fault]) for r in damaged if r.fault is not None
        )

        latest: dict[uuid.UUID, tuple[int, int, int]] = {}
        for record in honest:
            message = decode_reading(record.value[1:57])
            mark = (message.timestamp_ms, message.export_wh, message.import_wh)
            latest[message.meter_id] = max(latest.get(message.meter_id, mark), mark)
        with psycopg.connect(settings.postgres.url) as connection:
            rows = connection.execute(
                "SELECT meter_id, timestamp_ms, export_wh, import_wh FROM meter_watermarks"
            ).fetchall()
            intervals = connection.execute("SELECT count(*) FROM meter_intervals").fetchone()
        assert {row[0]: tuple(row[1:]) for row in rows} == latest
        assert len(latest) == METERS
        assert intervals is not None
        assert intervals[0] > 0


def _reason(record: Message) -> str:
    value = dict(record.headers() or [])["reason"]
    assert isinstance(value, bytes)
    return value.decode()
