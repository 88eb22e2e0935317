"""``/v1/stream`` pushes one frame per tick; a slow client loses old frames, never the runner."""

from __future__ import annotations

import pytest

from gridtokenx.config import Settings
from tests.simulator.service.rig import scenario_request, service_rig

pytestmark = pytest.mark.integration


def test_each_tick_reaches_the_websocket_with_grid_and_meter_telemetry(
    running_stack: Settings,
) -> None:
    with service_rig(running_stack) as rig, rig.process() as (_, client):
        client.put("/v1/scenario", json=scenario_request(meter_count=4))
        client.post("/v1/run/start")
        client.post("/v1/run/pause")
        with client.websocket_connect("/v1/stream") as websocket:
            client.post("/v1/run/step", json={"ticks": 2})
            frames = [websocket.receive_json() for _ in range(2)]
        status = client.get("/v1/run").json()
        meters = client.get("/v1/meters").json()["meters"]
    first, second = frames
    assert second["timestamp_ms"] - first["timestamp_ms"] == 5 * 60_000
    assert second["timestamp_ms"] == status["position_ms"]
    assert second["records_sent"] == 4
    assert second["dropped_frames"] == 0
    assert [m["meter_id"] for m in second["meters"]] == [m["meter_id"] for m in meters]
    assert second["grid"]["total"]["import_wh"] == sum(m["import_register_wh"] for m in meters)
    assert len(second["grid"]["zones"]) == 32
