"""The scenario and the run's position survive a restart, and the run resumes exactly."""

from __future__ import annotations

import pytest

from gridtokenx.config import Settings
from gridtokenx.simulator.scenario import WeatherChange
from gridtokenx.simulator.steered import SteeredFleet
from gridtokenx.telemetry.envelope import encode_envelope
from tests.simulator.service.rig import scenario_request, service_rig
from tests.telemetry.pipeline import PARTITIONS
from tests.utils.kafka import read_all

pytestmark = pytest.mark.integration

INTERVAL_MS = 300_000


def test_a_restarted_service_resumes_the_stored_run_where_it_stopped(
    running_stack: Settings,
) -> None:
    with service_rig(running_stack) as rig:
        request = scenario_request(meter_count=5, seed=41, interval_ms=INTERVAL_MS)
        with rig.process() as (_, client):
            client.put("/v1/scenario", json=request)
            client.post("/v1/run/start")
            client.post("/v1/run/pause")
            client.post("/v1/run/step", json={"ticks": 3})
            client.put("/v1/weather", json={"cloud_cover_mean": 1.0, "cloud_variability": 0.0})
            before = client.get("/v1/run").json()

        with rig.process() as (process, client):
            after = client.get("/v1/run").json()
            assert {k: after[k] for k in ("state", "mode", "speed", "position_ms", "start_ms")} == {
                k: before[k] for k in ("state", "mode", "speed", "position_ms", "start_ms")
            }
            assert client.get("/v1/fleet").json()["seed"] == 41
            assert client.get("/v1/weather").json()["cloud_cover_mean"] == 1.0
            client.post("/v1/run/step", json={"ticks": 2})
            stored = process.store.load()

        assert stored is not None
        start_ms = int(str(request["start_ms"]))
        assert stored.position_ms == start_ms + 5 * INTERVAL_MS
        reference = SteeredFleet(stored.scenario.fleet)
        reference.weather.add(
            WeatherChange(
                effective_ms=start_ms + 3 * INTERVAL_MS, cloud_cover_mean=1.0, cloud_variability=0
            )
        )
        expected = set()
        for k in range(1, 6):
            readings = reference.tick(start_ms + k * INTERVAL_MS, INTERVAL_MS)
            for i in range(5):
                message = readings.messages[56 * i : 56 * (i + 1)]
                expected.add(encode_envelope(message, readings.signatures[64 * i : 64 * (i + 1)]))
        records = read_all(
            running_stack.kafka.bootstrap_servers, rig.settings.telemetry.readings_topic, PARTITIONS
        )
        assert {record.value() for record in records} == expected
        assert len(records) == 25
