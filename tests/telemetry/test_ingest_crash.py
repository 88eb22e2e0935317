"""kill -9 of the ingestion service mid-stream, several times: nothing lost, nothing twice."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import psycopg
import pytest

from gridtokenx.config import Settings
from gridtokenx.telemetry.intervals import fold_intervals
from gridtokenx.telemetry.validation import Reading
from tests.telemetry.pipeline import private_pipeline

pytestmark = pytest.mark.integration

METERS = 20
STEPS = 300
KILL_AT_OFFSETS = (1_000, 2_500, 4_000)


def _ingest(env: dict[str, str], *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        # The stack's own ingestion process already serves metrics on the default port.
        [sys.executable, "-m", "gridtokenx", "telemetry", "ingest", "--no-metrics", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_kill_9_during_ingestion_loses_and_duplicates_nothing(running_stack: Settings) -> None:
    with private_pipeline(running_stack) as pipeline:
        meters = pipeline.commission(METERS)
        readings: list[Reading] = []
        for _ in range(STEPS):
            for meter in meters:
                message, signature = meter.next_reading(40, 3, minutes=2)
                pipeline.publish(meter, (message, signature))
                readings.append(
                    Reading(
                        meter.meter_id,
                        meter.export_wh,
                        meter.import_wh,
                        meter.timestamp_ms,
                        message,
                        signature,
                    )
                )
        pipeline.producer.flush()
        env = {
            **pipeline.ingest_environment(pipeline.settings.telemetry.instance_id),
            "GRIDTOKENX_TELEMETRY__BATCH_SIZE": "50",
            "GRIDTOKENX_TELEMETRY__POLL_TIMEOUT_MS": "200",
        }
        kills = 0
        for threshold in KILL_AT_OFFSETS:
            process = _ingest(env)
            deadline = time.monotonic() + 60
            while pipeline.applied_offsets() < threshold and time.monotonic() < deadline:
                time.sleep(0.01)
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
            assert pipeline.applied_offsets() < len(readings), "killed too late to test a crash"
        finished = _ingest(env, "--exit-when-idle", "5")
        output, _ = finished.communicate(timeout=120)
        assert finished.returncode == 0, output.decode()
        assert kills == len(KILL_AT_OFFSETS)

        assert pipeline.applied_offsets() == len(readings)
        assert pipeline.influx_point_count() == len(readings)
        assert pipeline.repository.rejection_counts() == {}
        expected = {(row.meter_id, row.interval_start_ms): row for row in fold_intervals(readings)}
        with psycopg.connect(pipeline.settings.postgres.url) as connection:
            rows = connection.execute(
                "SELECT meter_id, (extract(epoch FROM interval_start) * 1000)::bigint, "
                "first_timestamp_ms, last_timestamp_ms, first_export_wh, last_export_wh, "
                "first_import_wh, last_import_wh FROM meter_intervals"
            ).fetchall()
            marks = connection.execute(
                "SELECT meter_id, timestamp_ms, export_wh, import_wh FROM meter_watermarks"
            ).fetchall()
        assert len(rows) == len(expected)
        for meter_id, start_ms, *values in rows:
            row = expected[(meter_id, start_ms)]
            assert values == [
                row.first_timestamp_ms,
                row.last_timestamp_ms,
                row.first_export_wh,
                row.last_export_wh,
                row.first_import_wh,
                row.last_import_wh,
            ]
        last = {meter.meter_id: meter for meter in meters}
        assert {
            meter_id: (ts, export_wh, import_wh) for meter_id, ts, export_wh, import_wh in marks
        } == {meter_id: (m.timestamp_ms, m.export_wh, m.import_wh) for meter_id, m in last.items()}
