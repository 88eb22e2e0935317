"""The energy page in Debian's Chromium, from a meter request to its statement: the development
wallet signs in and requests a meter with a device key the page generates (invalid input first:
explained, nothing sent); the wallet signs the setup and registration transactions; the test
approves the request through the gateway's operator API with the Registry authority's key; the
device signs readings with the secret the page showed once; the real ingestion and minting
processes store and mint them. The same page, never reloaded, shows the request approved, the
meter, its production, its mint with the chain's signature, the month's statement and its CSV
and PDF downloads. A second request, with a device key typed in, is rejected by the operator and
the page shows the reason.

A private chain, a scratch database, topics and InfluxDB database (``tests.telemetry.pipeline``)
and a gateway process on them (``tests.web.next_app``)."""

from __future__ import annotations

import asyncio
import base64
import csv
import dataclasses
import io
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from solders.keypair import Keypair

from gridtokenx.chain.keys import OPERATOR_KEY, local_keypair
from gridtokenx.config import Settings, get_settings
from gridtokenx.core.ids import MeterId
from gridtokenx.simulator.config import FleetConfig
from gridtokenx.telemetry.reading import ReadingMessage, encode_reading
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.gateway.orders_rig import sign_prepared
from tests.gateway.test_grid import store_scenario
from tests.gateway.test_meter_registration import _ingestion, _minting
from tests.gateway.wallet import BrowserWallet, bearer, sign_in
from tests.telemetry.pipeline import Pipeline, private_pipeline
from tests.utils.service_process import launched
from tests.utils.traders import SOL, trader_funding
from tests.web.next_app import Browser, prepare_web, trading_app_with_gateway

pytestmark = pytest.mark.integration

ENERGY_SCRIPT = Path(__file__).parent / "browser" / "energy.mjs"
FLEET = FleetConfig(meter_count=20, seed=11)
ZONE = 2
READINGS_WH = ((5, 1), (20, 3))
"""(export, import) registers of the two readings the device sends."""
WAIT_S = 60.0
REJECTION = "no such meter at this address"


@pytest.fixture(scope="module")
def local_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    prepare_web(get_settings(), "trading")
    with bootstrapped_chain(tmp_path_factory.mktemp("web-energy-chain")) as chain:
        yield chain


@pytest.fixture
def pipeline(running_stack: Settings, local_chain: LocalChain) -> Iterator[Pipeline]:
    with private_pipeline(running_stack, partitions=1) as pipeline:
        store_scenario(pipeline.settings.postgres, FLEET)
        yield pipeline


@pytest.fixture
def browser(
    running_stack: Settings,
    local_chain: LocalChain,
    pipeline: Pipeline,
    tmp_path: Path,
) -> Iterator[Browser]:
    settings = pipeline.settings.model_copy(
        update={"chain": local_chain.settings.chain, "state_dir": local_chain.settings.state_dir}
    )
    authority = local_keypair(local_chain.settings.chain_keys_dir, OPERATOR_KEY)
    environment = {
        "GRIDTOKENX_TELEMETRY__READINGS_TOPIC": settings.telemetry.readings_topic,
        "GRIDTOKENX_INFLUX__DATABASE": settings.influx.database,
        "GRIDTOKENX_GATEWAY__OPERATOR_WALLETS": json.dumps([str(authority.pubkey())]),
    }
    with trading_app_with_gateway(
        running_stack,
        local_chain,
        tmp_path,
        extra_env=environment,
        settings=settings,
        database=settings.postgres,
    ) as browser:
        yield dataclasses.replace(browser, script=ENERGY_SCRIPT)


def _rows(pipeline: Pipeline, query: str, *parameters: object) -> list[tuple[Any, ...]]:
    with psycopg.connect(pipeline.settings.postgres.url) as connection:
        return connection.execute(query, parameters).fetchall()


def _eventually(pipeline: Pipeline, query: str, *parameters: object) -> list[tuple[Any, ...]]:
    deadline = time.monotonic() + WAIT_S
    while not (rows := _rows(pipeline, query, *parameters)):
        assert time.monotonic() < deadline, f"no rows for {query}"
        time.sleep(0.2)
    return rows


async def _fund(local_chain: LocalChain, wallet: Keypair) -> None:
    """SOL for the nonce account's rent and the fees."""
    async with trader_funding(local_chain.settings) as funding:
        await funding.fund(wallet, lamports=2 * SOL)


async def _approve(gateway_url: str, local_chain: LocalChain, request_id: str) -> dict[str, Any]:
    """The operator's wallet (the Registry authority's key) co-signs from the approval queue."""
    authority = BrowserWallet(local_keypair(local_chain.settings.chain_keys_dir, OPERATOR_KEY))
    async with httpx.AsyncClient(base_url=gateway_url, timeout=60.0) as http:
        headers = bearer(await sign_in(http, authority))
        queue = await http.get("/v1/operator/meter-registrations", headers=headers)
        assert queue.status_code == 200, queue.text
        [item] = [i for i in queue.json()["data"] if i["registration"]["id"] == request_id]
        approved = await http.post(
            f"/v1/operator/meter-registrations/{request_id}/approve",
            json={
                "transaction": sign_prepared(item["transaction"], authority.keypair),
                "reason": "browser test: meter checked",
            },
            headers=headers,
        )
        assert approved.status_code == 200, approved.text
        body: dict[str, Any] = approved.json()
        return body


async def _reject(gateway_url: str, local_chain: LocalChain, request_id: str) -> None:
    authority = BrowserWallet(local_keypair(local_chain.settings.chain_keys_dir, OPERATOR_KEY))
    async with httpx.AsyncClient(base_url=gateway_url, timeout=60.0) as http:
        headers = bearer(await sign_in(http, authority))
        rejected = await http.post(
            f"/v1/operator/meter-registrations/{request_id}/reject",
            json={"reason": REJECTION},
            headers=headers,
        )
        assert rejected.status_code == 200, rejected.text


def _send_readings(gateway_url: str, pipeline: Pipeline, meter_id: str, device: Keypair) -> None:
    """The device signs two readings after its commissioning watermark and posts them."""
    [(watermark_ms,)] = _rows(
        pipeline, "SELECT timestamp_ms FROM meter_watermarks WHERE meter_id = %s", meter_id
    )
    while int(time.time() * 1000) <= watermark_ms + 2_500:
        time.sleep(0.1)
    now_ms = int(time.time() * 1000)
    readings = []
    for offset_ms, (export_wh, import_wh) in zip((1_500, 500), READINGS_WH, strict=True):
        message = encode_reading(
            ReadingMessage(
                meter_id=MeterId(uuid.UUID(meter_id)),
                export_wh=export_wh,
                import_wh=import_wh,
                timestamp_ms=now_ms - offset_ms,
            )
        )
        readings.append(
            {
                "message": base64.b64encode(message).decode(),
                "signature": base64.b64encode(bytes(device.sign_message(message))).decode(),
            }
        )
    answer = httpx.post(f"{gateway_url}/v1/readings/batch", json={"readings": readings})
    assert answer.status_code == 202, answer.text


def test_a_requested_meter_is_approved_and_its_energy_and_statement_show(
    local_chain: LocalChain, pipeline: Pipeline, browser: Browser, tmp_path: Path
) -> None:
    connected = browser.run("connect")
    wallet = Keypair.from_base58_string(str(connected["secretKey"]))
    assert str(wallet.pubkey()) == connected["address"]
    asyncio.run(_fund(local_chain, wallet))
    gateway_url = f"http://127.0.0.1:{browser.settings.gateway.port}"
    seen: dict[str, Any] = {}

    def approve_and_produce(before: dict[str, Any]) -> dict[str, object]:
        seen.update(before)
        request_id, meter_id = str(before["requestId"]), str(before["meterId"])
        approved = asyncio.run(_approve(gateway_url, local_chain, request_id))
        assert (approved["status"], approved["zone_id"]) == ("approved", ZONE)
        assert approved["device_pubkey"] == before["devicePublicKey"]
        # The secret the page showed once is the device's key: its readings are accepted.
        device = Keypair.from_base58_string(str(before["deviceSecretKey"]))
        assert str(device.pubkey()) == before["devicePublicKey"]
        _send_readings(gateway_url, pipeline, meter_id, device)
        with (
            launched(*_ingestion(pipeline, tmp_path)),
            launched(*_minting(pipeline, local_chain)),
        ):
            deadline = time.monotonic() + WAIT_S
            while True:
                minted = _rows(
                    pipeline,
                    "SELECT tx_signature, minted_wh FROM mint_submissions "
                    "WHERE meter_id = %s AND status = 'confirmed' ORDER BY submission_id",
                    meter_id,
                )
                if sum(int(wh or 0) for _, wh in minted) == READINGS_WH[-1][0]:
                    break
                assert time.monotonic() < deadline, f"not minted: {minted}"
                time.sleep(0.2)
            _eventually(pipeline, "SELECT 1 FROM meter_intervals WHERE meter_id = %s", meter_id)
        return {
            "meterId": meter_id,
            "mintSignature": str(minted[-1][0]),
            "mintedWh": str(READINGS_WH[-1][0]),
            "producedWh": str(READINGS_WH[-1][0] - READINGS_WH[0][0]),
        }

    shown = browser.live(
        approve_and_produce, tmp_path / "expect.json", phase="request", expect={"zone": ZONE}
    )
    before = shown["before"]
    assert isinstance(before, dict)
    # Invalid input: each mistake named at its field, nothing posted, nothing signed.
    assert before["invalid"]["fields"] == ["name", "maxExport", "deviceKey"]
    assert before["invalid"]["posted"] == 0
    assert before["invalid"]["exportInvalid"] == "true"
    assert before["zones"] == [str(zone) for zone in range(len(before["zones"]))]
    assert str(ZONE) in before["zones"]
    # Valid: created, setup relayed, registration signed → pending.
    request_id, meter_id = before["requestId"], before["meterId"]
    assert before["posted"] == [
        "/v1/me/meter-registrations",
        f"/v1/me/meter-registrations/{request_id}/setup",
        f"/v1/me/meter-registrations/{request_id}/sign",
    ]
    assert before["status"] == "pending_approval"
    assert "pending" in before["statusText"]
    assert before["rows"] == [
        {"requestId": request_id, "status": "pending_approval", "zone": str(ZONE)}
    ]
    assert before["secretShownAfterDismiss"] == 0

    assert "approved" in str(shown["approvedText"])
    assert shown["meter"] == {"status": "active", "zone": str(ZONE), "mintedWh": "20"}
    # Both readings in the page's range: 20 - 5 Wh exported between them (intervals).
    assert (shown["producedWh"], shown["source"]) == ("15", "intervals")
    assert int(str(shown["chartPeriods"])) >= 1
    assert shown["weekPressed"] == "true"
    assert shown["phoneOverflowPx"] == 0
    minted = _rows(
        pipeline,
        "SELECT tx_signature FROM mint_submissions WHERE meter_id = %s AND status = 'confirmed'",
        meter_id,
    )
    mints = shown["mints"]
    assert isinstance(mints, list)
    assert {m["signature"] for m in mints if m["status"] == "confirmed"} == {
        row[0] for row in minted
    }

    month = str(shown["statementMonth"])
    figures = shown["figures"]
    assert isinstance(figures, dict)
    assert figures["energy_minted"] == str(20 * 1_000)  # GXT base units: 1,000 a Wh
    assert figures["energy_bought"] == figures["energy_sold"] == "0"
    assert figures["average_buy_price_per_kwh"] == ""
    csv_file, pdf_file = shown["csv"], shown["pdf"]
    assert isinstance(csv_file, dict)
    assert isinstance(pdf_file, dict)
    assert csv_file["name"] == f"gridtokenx-statement-{month}.csv"
    rows = list(csv.DictReader(io.StringIO(str(csv_file["text"]))))
    assert {row["signature"] for row in rows if row["record"] == "mint"} == {
        row[0] for row in minted
    }
    assert pdf_file["name"] == f"gridtokenx-statement-{month}.pdf"
    assert pdf_file["head"] == "%PDF-"
    # The access token stays in memory: never in storage (nor in a URL: downloads are fetched).
    assert shown["signIns"]
    assert shown["tokenInStorage"] is False
    assert shown["externalRequests"] == []
    assert shown["pageErrors"] == []
    assert seen["requestId"] == request_id

    # A second request with a device key typed in: nothing to show once; an operator rejects it
    # and the same page says so, with the reason.
    device = Keypair()
    rejected_id: list[str] = []

    def reject(before: dict[str, Any]) -> dict[str, object]:
        rejected_id.append(str(before["requestId"]))
        asyncio.run(_reject(gateway_url, local_chain, rejected_id[0]))
        return {}

    second = browser.live(
        reject,
        tmp_path / "expect-rejected.json",
        phase="rejected",
        expect={"zone": ZONE, "deviceKey": str(device.pubkey())},
    )
    assert second["before"] == {
        "requestId": rejected_id[0],
        "status": "pending_approval",
        "secretShown": 0,
    }
    assert second["statusText"] == f"rejected: {REJECTION}"
    assert second["rows"] == [
        {"requestId": rejected_id[0], "status": "rejected"},
        {"requestId": request_id, "status": "approved"},
    ]
    assert second["pageErrors"] == []
