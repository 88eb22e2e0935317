"""Simulator control through the gateway, against a real simulator process (its production
wiring on a private pipeline: own Kafka topics and scratch database) served over HTTP: each
control changes what the simulator does, is audited, and the simulator's refusals and absence
come back as typed errors."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from gridtokenx.config import Settings
from gridtokenx.gateway.app import create_app
from tests.gateway.operator_rig import (
    REASON,
    audit_rows,
    second_client,
    served_simulator,
    signed_in,
)
from tests.gateway.wallet import BrowserWallet
from tests.simulator.service.rig import ServiceRig
from tests.utils.ports import free_port

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@pytest.fixture(scope="module")
def simulator(running_stack: Settings) -> Iterator[tuple[ServiceRig, int]]:
    with served_simulator(running_stack) as served:
        yield served


@pytest.fixture
def gateway_settings(gateway_settings: Settings, simulator: tuple[ServiceRig, int]) -> Settings:
    rig, port = simulator
    return gateway_settings.model_copy(
        update={"simulator": rig.settings.simulator.model_copy(update={"port": port})}
    )


async def test_operators_drive_the_simulator_and_it_does_what_they_asked(
    client: httpx.AsyncClient, operator_wallet: BrowserWallet, gateway_settings: Settings
) -> None:
    operator = await signed_in(client, operator_wallet)
    state = await client.get("/v1/operator/simulator", headers=operator)
    assert state.status_code == 200, state.text
    assert state.json()["run"]["state"] == "stopped"

    refused = await client.post("/v1/operator/simulator/run/pause", json=REASON, headers=operator)
    assert (refused.status_code, refused.json()["code"]) == (409, "simulator_refused")
    assert refused.json()["details"]["simulator_error"] == "SimulatorStateError"

    solar_only = {"consumer": 0, "solar_prosumer": 1, "battery_prosumer": 0, "ev_charger": 0}
    fleet = await client.put(
        "/v1/operator/simulator/fleet",
        json={"meter_count": 5, "mix": solar_only, "seed": 7, "reason": "solar-only demo"},
        headers=operator,
    )
    assert fleet.status_code == 200, fleet.text
    assert (fleet.json()["meter_count"], fleet.json()["mix"]) == (5, solar_only)

    started = await client.post("/v1/operator/simulator/run/start", json=REASON, headers=operator)
    assert started.json()["state"] == "running", started.text
    slow = await client.put(
        "/v1/operator/simulator/speed", json={"speed": 0.002, **REASON}, headers=operator
    )
    assert slow.json()["speed"] == 0.002
    paused = await client.post("/v1/operator/simulator/run/pause", json=REASON, headers=operator)
    assert paused.json()["state"] == "paused"

    before = paused.json()
    stepped = await client.post(
        "/v1/operator/simulator/step", json={"ticks": 2, **REASON}, headers=operator
    )
    assert stepped.status_code == 200, stepped.text
    after = stepped.json()
    assert after["ticks_published"] - before["ticks_published"] == 2
    assert after["records_published"] - before["records_published"] == 2 * 5
    assert after["position_ms"] > before["position_ms"]

    fault = await client.post(
        "/v1/operator/simulator/faults",
        json={"kind": "offline", "ticks": 1, "share": 1.0, "reason": "outage drill"},
        headers=operator,
    )
    assert fault.status_code == 201, fault.text
    faulted = await client.post(
        "/v1/operator/simulator/step", json={"ticks": 1, **REASON}, headers=operator
    )
    # Every meter was offline for that tick: nothing was published, and the faults counted.
    assert faulted.json()["records_published"] == after["records_published"]
    assert faulted.json()["faults_injected"]["offline"] >= 5

    overcast = await client.put(
        "/v1/operator/simulator/weather",
        json={"cloud_cover_mean": 1.0, "cloud_variability": 0.0, **REASON},
        headers=operator,
    )
    assert overcast.status_code == 200, overcast.text
    direct = httpx.get(f"http://127.0.0.1:{gateway_settings.simulator.port}/v1/weather")
    assert direct.json() == {"cloud_cover_mean": 1.0, "cloud_variability": 0.0}

    rule = await client.post(
        "/v1/operator/simulator/faults",
        json={"kind": "duplicate", "ticks": 100, "share": 0.5, **REASON},
        headers=operator,
    )
    rule_id = rule.json()["rule_id"]
    removed = await client.delete(
        f"/v1/operator/simulator/faults/{rule_id}",
        params={"reason": "drill over"},
        headers=operator,
    )
    assert removed.status_code == 204, removed.text
    faults = (await client.get("/v1/operator/simulator", headers=operator)).json()["faults"]
    assert rule_id not in {entry["rule_id"] for entry in faults}
    no_reason = await client.delete(f"/v1/operator/simulator/faults/{rule_id}", headers=operator)
    assert (no_reason.status_code, no_reason.json()["code"]) == (422, "validation_failed")

    stopped = await client.post("/v1/operator/simulator/run/stop", json=REASON, headers=operator)
    assert stopped.json()["state"] == "stopped"

    actions = [row["action"] for row in audit_rows(gateway_settings.postgres, "simulator")]
    assert actions[-11:] == [
        "simulator.fleet",
        "simulator.run.start",
        "simulator.speed",
        "simulator.run.pause",
        "simulator.run.step",
        "simulator.fault.added",
        "simulator.run.step",
        "simulator.weather",
        "simulator.fault.added",
        "simulator.fault.removed",
        "simulator.run.stop",
    ]
    assert "simulator.run.pause" not in actions[: -11 + 3]  # the refused pause left no row


async def test_bad_simulator_input_is_refused_with_a_code(
    client: httpx.AsyncClient, operator_wallet: BrowserWallet
) -> None:
    operator = await signed_in(client, operator_wallet)
    for method, path, body in (
        ("PUT", "/v1/operator/simulator/speed", {"speed": 0, **REASON}),
        ("PUT", "/v1/operator/simulator/speed", {"speed": 1.0}),
        ("POST", "/v1/operator/simulator/faults", {"kind": "meteor", **REASON}),
        ("POST", "/v1/operator/simulator/run/explode", REASON),
        ("PUT", "/v1/operator/simulator/weather", {"cloud_cover_mean": 2, **REASON}),
    ):
        refused = await client.request(method, path, json=body, headers=operator)
        assert (refused.status_code, refused.json()["code"]) == (422, "validation_failed"), path
    share = await client.post(
        "/v1/operator/simulator/faults",
        json={"kind": "offline", "meter_ids": ["00000000-0000-0000-0000-000000000001"], **REASON},
        headers=operator,
    )
    assert (share.status_code, share.json()["code"]) == (409, "simulator_refused")
    # Unknown meter (a loaded fleet) or no fleet loaded (a stopped run): the simulator's words.
    assert share.json()["details"]["simulator_error"] in (
        "UnknownMeterError",
        "FaultError",
        "SimulatorStateError",
    )


async def test_simulator_routes_need_an_operator(client: httpx.AsyncClient) -> None:
    headers = await signed_in(client, BrowserWallet())
    for method, path, body in (
        ("GET", "/v1/operator/simulator", None),
        ("POST", "/v1/operator/simulator/run/start", REASON),
        ("PUT", "/v1/operator/simulator/speed", {"speed": 1.0, **REASON}),
    ):
        assert (await client.request(method, path, json=body)).status_code == 401
        refused = await client.request(method, path, json=body, headers=headers)
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden_role")


@pytest.fixture
def absent_simulator_settings(gateway_settings: Settings) -> Settings:
    return gateway_settings.model_copy(
        update={"simulator": gateway_settings.simulator.model_copy(update={"port": free_port()})}
    )


async def test_an_absent_simulator_is_503(
    absent_simulator_settings: Settings, operator_wallet: BrowserWallet
) -> None:
    app = create_app(absent_simulator_settings)
    async with app.router.lifespan_context(app), second_client(app) as client:
        operator = await signed_in(client, operator_wallet)
        down = await client.post("/v1/operator/simulator/run/start", json=REASON, headers=operator)
        assert (down.status_code, down.json()["code"]) == (503, "simulator_unavailable")
        assert down.headers["Retry-After"]
