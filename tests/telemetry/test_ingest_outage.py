"""InfluxDB or PostgreSQL goes away mid-stream: ingestion backs off, then resumes losing nothing.

Each case runs a private instance of the store (its own state directory and ports, started by
the stack manager) so that stopping it does not disturb the shared stack.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest

from gridtokenx.config import Settings
from gridtokenx.stack.manager import StackManager
from gridtokenx.telemetry.dead_letter import DeadLetterPublisher
from gridtokenx.telemetry.influx_writer import InfluxWriter
from gridtokenx.telemetry.ingest import IngestionService
from gridtokenx.telemetry.repository import TelemetryRepository
from tests.telemetry.pipeline import Pipeline, private_pipeline, wait_for
from tests.utils.ports import free_port

pytestmark = pytest.mark.integration


def _applied(repository: TelemetryRepository, pipeline: Pipeline) -> int:
    telemetry = pipeline.settings.telemetry
    try:
        offsets = repository.load_offsets(telemetry.consumer_group, telemetry.readings_topic)
    except Exception:
        return -1
    return sum(offsets.values())


@pytest.mark.parametrize("store", ["influxdb", "postgres"])
def test_ingestion_survives_a_store_outage(running_stack: Settings, store: str) -> None:
    # PostgreSQL runs as the postgres user when we are root: its folder must be traversable.
    state_dir = Path(tempfile.mkdtemp(prefix="gtx-outage-", dir="/var/tmp"))
    state_dir.chmod(0o755)
    private = running_stack.model_copy(update={"state_dir": state_dir})
    if store == "influxdb":
        private = private.model_copy(
            update={
                "influx": running_stack.influx.model_copy(
                    update={"port": free_port(), "rpc_port": free_port()}
                )
            }
        )
    else:
        private = private.model_copy(
            update={"postgres": running_stack.postgres.model_copy(update={"port": free_port()})}
        )
    manager = StackManager(private)
    try:
        manager.up([store])
        with private_pipeline(private) as pipeline:
            meters = pipeline.commission(5)
            monitor = TelemetryRepository(pipeline.settings.postgres.url)
            service = IngestionService(
                pipeline.settings,
                TelemetryRepository(pipeline.settings.postgres.url),
                InfluxWriter(pipeline.settings.influx, timeout_s=2.0),
                DeadLetterPublisher(
                    private.kafka.bootstrap_servers, pipeline.settings.telemetry.dead_letter_topic
                ),
            )
            worker = threading.Thread(target=service.run)
            worker.start()
            try:
                for _ in range(20):
                    for meter in meters:
                        pipeline.publish(meter, meter.next_reading(10, 1, minutes=1))
                pipeline.producer.flush()
                wait_for(lambda: _applied(monitor, pipeline) == 100)

                manager.down([store])
                for _ in range(20):
                    for meter in meters:
                        pipeline.publish(meter, meter.next_reading(10, 1, minutes=1))
                pipeline.producer.flush()
                time.sleep(2.0)
                manager.up([store])
                wait_for(lambda: _applied(monitor, pipeline) == 200)
            finally:
                service.stop()
                worker.join(timeout=30)
                monitor.close()
            assert not worker.is_alive()
            assert service.counters.accepted == 200
            assert pipeline.influx_point_count() == 200
            # A new connection: the pipeline's own one died with the server.
            after = TelemetryRepository(pipeline.settings.postgres.url)
            assert after.rejection_counts() == {}
            after.close()
    finally:
        manager.down()
        shutil.rmtree(state_dir, ignore_errors=True)
