"""The control API against the real Kafka and a scratch PostgreSQL database."""

from __future__ import annotations

import uuid

import pytest
from confluent_kafka import Message

from gridtokenx.config import Settings
from gridtokenx.telemetry.reading import decode_reading
from tests.simulator.service.rig import (
    MINUTE_MS,
    now_ms,
    scenario_request,
    service_rig,
    wait_for,
)
from tests.telemetry.pipeline import PARTITIONS
from tests.utils.kafka import read_all

pytestmark = pytest.mark.integration


def test_a_replay_publishes_every_reading_and_the_views_match_them(
    running_stack: Settings,
) -> None:
    with service_rig(running_stack) as rig, rig.process() as (_, client):
        assert client.get("/v1/health").json() == {"status": "ok"}
        assert client.get("/v1/run").json()["state"] == "stopped"
        refused = client.post("/v1/run/pause")
        assert refused.status_code == 409
        assert refused.json()["error"] == "SimulatorStateError"

        start_ms = (now_ms() - 86_400_000) // MINUTE_MS * MINUTE_MS
        end_ms = start_ms + 12 * 5 * MINUTE_MS
        scenario = client.put(
            "/v1/scenario",
            json=scenario_request(mode="replay", start_ms=start_ms, end_ms=end_ms, speed=1.0),
        )
        assert scenario.status_code == 200, scenario.text
        assert client.post("/v1/run/start").json()["state"] in ("running", "finished")
        wait_for(lambda: client.get("/v1/run").json()["state"] == "finished", "the replay")
        status = client.get("/v1/run").json()
        assert (status["ticks_published"], status["records_published"]) == (12, 72)
        assert status["position_ms"] == end_ms

        records = read_all(
            running_stack.kafka.bootstrap_servers,
            rig.settings.telemetry.readings_topic,
            PARTITIONS,
        )
        messages = [decode_reading(_value(record)[1:57]) for record in records]
        assert len(messages) == 72
        assert all(
            record.key() == m.meter_id.bytes for record, m in zip(records, messages, strict=True)
        )
        latest = {}
        for message in sorted(messages, key=lambda m: m.timestamp_ms):
            latest[str(message.meter_id)] = message
        assert {m.timestamp_ms for m in latest.values()} == {end_ms}

        meters = client.get("/v1/meters").json()["meters"]
        assert {m["meter_id"] for m in meters} == set(latest)
        for meter in meters:
            message = latest[meter["meter_id"]]
            assert (meter["export_register_wh"], meter["import_register_wh"]) == (
                message.export_wh,
                message.import_wh,
            )
        detail = client.get(f"/v1/meters/{meters[2]['meter_id']}").json()
        assert detail == meters[2]
        assert client.get(f"/v1/meters/{uuid.uuid4()}").status_code == 404
        assert client.get("/v1/meters/not-a-uuid").status_code == 422

        grid = client.get("/v1/grid").json()
        assert grid["timestamp_ms"] == end_ms
        assert grid["total"]["import_wh"] == sum(m.import_wh for m in latest.values())
        assert grid["total"]["export_wh"] == sum(m.export_wh for m in latest.values())
        assert sum(z["import_wh"] for z in grid["zones"]) == grid["total"]["import_wh"]
        assert len(grid["feeders"]) == 8


def test_controls_faults_and_typed_errors(running_stack: Settings) -> None:
    with service_rig(running_stack) as rig, rig.process() as (process, client):
        assert client.put("/v1/scenario", json=scenario_request()).status_code == 200
        assert client.post("/v1/run/start").json()["state"] == "running"
        assert client.post("/v1/run/pause").json()["state"] == "paused"
        meters = client.get("/v1/meters").json()["meters"]
        victim = meters[0]["meter_id"]
        forged = client.post(
            "/v1/faults", json={"kind": "forged_signature", "meter_ids": [victim], "ticks": 2}
        )
        assert forged.status_code == 201, forged.text
        assert forged.json()["meter_ids"] == [victim]
        offline = client.post("/v1/faults", json={"kind": "offline", "share": 1.0, "ticks": 5})
        bad = client.post("/v1/faults", json={"kind": "offline", "ticks": 1})
        assert (bad.status_code, bad.json()["error"]) == (422, "FaultError")
        assert len(client.get("/v1/faults").json()) == 2
        assert client.delete(f"/v1/faults/{offline.json()['rule_id']}").status_code == 204

        stepped = client.post("/v1/run/step", json={"ticks": 2}).json()
        assert stepped["faults_injected"] == {"forged_signature": 2}
        assert client.get(f"/v1/meters/{victim}").json()["fault"] == "forged_signature"
        future = client.post("/v1/run/step", json={"ticks": 10_000})
        assert future.status_code == 409
        assert "future" in future.json()["detail"]

        speed = client.put("/v1/run/speed", json={"speed": 120.0}).json()
        assert speed["speed"] == 120.0
        weather = client.put(
            "/v1/weather", json={"cloud_cover_mean": 0.8, "cloud_variability": 0.0}
        )
        assert weather.json() == {"cloud_cover_mean": 0.8, "cloud_variability": 0.0}
        assert client.put("/v1/scenario", json=scenario_request()).status_code == 409
        assert client.post("/v1/run/stop").json()["state"] == "stopped"
        assert client.get("/v1/meters").status_code == 409

        # The same seed from another start would send registers its meters cannot have.
        earlier = scenario_request()
        earlier["start_ms"] = int(str(earlier["start_ms"])) - 60 * MINUTE_MS
        assert client.put("/v1/scenario", json=earlier).status_code == 200
        clash = client.post("/v1/run/start")
        assert (clash.status_code, clash.json()["error"]) == (409, "MeterClashError")
        fleet = client.put("/v1/fleet", json={"meter_count": 3}).json()
        assert (fleet["meter_count"], fleet["seed"]) == (3, 32)
        assert client.post("/v1/run/start").json()["state"] == "running"
        assert process.runner.status().run.scenario.mode.value == "accelerated"

        records = read_all(
            running_stack.kafka.bootstrap_servers, rig.settings.telemetry.readings_topic, PARTITIONS
        )
        assert len(records) == 2 * 6


def _value(record: Message) -> bytes:
    value = record.value()
    assert isinstance(value, bytes)
    return value
