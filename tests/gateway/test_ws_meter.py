"""The private ``meter:<id>`` channel: the meter's owner and operators get its latest readings
(InfluxDB, where ingestion writes them: a snapshot of the window, then each newer reading as an
update); anyone else gets ``meter_not_found`` and never a reading."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from gridtokenx.config import PostgresSettings, Settings
from tests.gateway.conftest import Clock
from tests.gateway.energy_data import commission, scratch_influx, write_readings
from tests.gateway.wallet import BrowserWallet
from tests.gateway.ws_session import authenticate, gateway, receive, sign_in, ws_settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def influx_settings(running_stack: Settings) -> Iterator[Settings]:
    with scratch_influx(running_stack) as settings:
        yield settings


def test_owner_and_operator_see_readings_and_others_get_an_error(
    gateway_settings: Settings,
    influx_settings: Settings,
    accounts_database: PostgresSettings,
    operator_wallet: BrowserWallet,
    clock: Clock,
) -> None:
    settings = ws_settings(
        gateway_settings.model_copy(update={"influx": influx_settings.influx}),
        meter_poll_interval_s=0.2,
        meter_window_s=600,
    )
    owner, stranger = BrowserWallet(), BrowserWallet()
    meter = commission(accounts_database, owner=owner.address)
    now_ms = int(time.time()) * 1000
    write_readings(settings, meter, [(now_ms - 120_000, 10, 1), (now_ms - 60_000, 20, 2)])
    write_readings(settings, meter, [(now_ms - 3_600_000, 5, 0)])  # before the window
    channel = f"meter:{meter.meter_id}"
    with gateway(settings, clock) as client:
        owner_tokens = sign_in(client, owner)
        stranger_tokens = sign_in(client, stranger)
        operator_tokens = sign_in(client, operator_wallet)
        with client.websocket_connect("/v1/ws") as ws:
            authenticate(ws, stranger_tokens)
            ws.send_json({"op": "subscribe", "channel": channel})
            refused = receive(ws)
            assert (refused["type"], refused["code"], refused["channel"]) == (
                "error", "meter_not_found", channel,
            )  # fmt: skip
            ws.send_json({"op": "subscribe", "channel": "meter:not-a-uuid"})
            assert receive(ws)["code"] == "channel_invalid"

        written = [(10, 1), (20, 2)]
        newest = now_ms - 60_000
        for round_, tokens in enumerate((owner_tokens, operator_tokens)):
            with client.websocket_connect("/v1/ws") as ws:
                authenticate(ws, tokens)
                ws.send_json({"op": "subscribe", "channel": channel})
                snapshot = receive(ws)
                assert snapshot["type"] == "snapshot", snapshot
                readings = snapshot["data"]["readings"]
                assert [(r["export_wh"], r["import_wh"]) for r in readings] == written
                assert snapshot["sequence"] == readings[-1]["time_ms"] == newest

                fresh = (30 + round_, 3 + round_)
                at_ms = now_ms - 30_000 + round_ * 1_000
                write_readings(settings, meter, [(at_ms, *fresh)])
                update = receive(ws)
                assert update["type"] == "update", update
                assert (update["previous"], update["sequence"]) == (newest, at_ms)
                assert [(r["export_wh"], r["import_wh"]) for r in update["data"]["readings"]] == [
                    fresh
                ]
                written.append(fresh)
                newest = at_ms
