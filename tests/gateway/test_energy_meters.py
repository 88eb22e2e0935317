"""The energy read routes: the caller's meters, and a meter's readings, intervals and mints,
visible to its owner and to operators only (anyone else: 404, never data)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from gridtokenx.chain.registry.pda import meter_address
from gridtokenx.config import PostgresSettings, Settings
from gridtokenx.gateway.energy_context import registry_program_id
from tests.gateway.energy_data import (
    commission,
    record_interval,
    record_mint,
    scratch_influx,
    write_readings,
)
from tests.gateway.wallet import BrowserWallet, bearer, sign_in
from tests.utils.ports import free_port

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

HOUR_MS = 3_600_000


@pytest.fixture(scope="module")
def influx_settings(running_stack: Settings) -> Iterator[Settings]:
    with scratch_influx(running_stack) as settings:
        yield settings


@pytest.fixture
def gateway_settings(gateway_settings: Settings, influx_settings: Settings) -> Settings:
    # No chain node listens on the RPC port: /v1/me/meters answers from the mirror alone
    # (test_energy_chain_meters.py reads a real chain).
    return gateway_settings.model_copy(
        update={
            "influx": influx_settings.influx,
            "gateway": gateway_settings.gateway.model_copy(update={"readings_max_points": 50}),
            "chain": gateway_settings.chain.model_copy(
                update={"rpc_port": free_port(), "cluster_rpc_url": None}
            ),
        }
    )


def _routes(meter_id: object) -> list[str]:
    return [
        f"/v1/meters/{meter_id}/readings",
        f"/v1/meters/{meter_id}/intervals",
        f"/v1/meters/{meter_id}/mints",
    ]


async def test_my_meters_falls_back_to_the_mirror_without_the_chain(
    client: httpx.AsyncClient, accounts_database: PostgresSettings, gateway_settings: Settings
) -> None:
    owner = BrowserWallet()
    mine = commission(accounts_database, owner=owner.address, zone_id=3)
    commission(accounts_database, owner=BrowserWallet().address)  # someone else's
    commission(accounts_database)  # commissioned, not registered on chain
    signature = record_mint(accounts_database, mine, 1_500, 1_700_000_000_000)
    tokens = await sign_in(client, owner)

    response = await client.get("/v1/me/meters", headers=bearer(tokens))

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["count"], body["chain_checked"]) == (1, False)
    (meter,) = body["data"]
    assert meter["source"] == "mirror"
    registry = registry_program_id(gateway_settings)
    assert meter["meter_id"] == str(mine.meter_id)
    assert meter["address"] == str(meter_address(registry, mine.meter_id.bytes)[0])
    assert meter["owner"] == owner.address
    assert (meter["status"], meter["zone_id"], meter["minted_wh"]) == ("active", 3, 1_500)
    assert meter["chain_registers"] == {
        "export_wh": 1_500,
        "import_wh": 0,
        "timestamp_ms": 1_700_000_000_000,
    }
    mints = await client.get(f"/v1/meters/{mine.meter_id}/mints", headers=bearer(tokens))
    assert mints.status_code == 200, mints.text
    assert [(m["tx_signature"], m["status"], m["minted_wh"]) for m in mints.json()["data"]] == [
        (signature, "confirmed", 1_500)
    ]


async def test_a_consumer_without_meters_gets_an_empty_list(client: httpx.AsyncClient) -> None:
    tokens = await sign_in(client, BrowserWallet())
    response = await client.get("/v1/me/meters", headers=bearer(tokens))
    assert response.json() == {"data": [], "count": 0, "chain_checked": False}


async def test_other_users_get_404_and_operators_see_everything(
    client: httpx.AsyncClient,
    accounts_database: PostgresSettings,
    operator_wallet: BrowserWallet,
) -> None:
    owner = BrowserWallet()
    meter = commission(accounts_database, owner=owner.address)
    record_mint(accounts_database, meter, 10, 1_700_000_000_000)
    stranger = await sign_in(client, BrowserWallet())
    for path in [*_routes(meter.meter_id), *_routes("00000000-0000-4000-8000-000000000001")]:
        response = await client.get(path, headers=bearer(stranger))
        assert response.status_code == 404, (path, response.text)
        assert response.json()["code"] == "meter_not_found"
        assert "data" not in response.json()
        anonymous = await client.get(path)
        assert anonymous.status_code == 401
    operator = await sign_in(client, operator_wallet)
    owner_tokens = await sign_in(client, owner)
    for path in _routes(meter.meter_id):
        for tokens in (operator, owner_tokens):
            response = await client.get(path, headers=bearer(tokens))
            assert response.status_code == 200, (path, response.text)
    mints = await client.get(f"/v1/meters/{meter.meter_id}/mints", headers=bearer(operator))
    assert len(mints.json()["data"]) == 1


async def test_readings_are_downsampled_by_influxdb_within_the_point_bound(
    client: httpx.AsyncClient,
    accounts_database: PostgresSettings,
    influx_settings: Settings,
) -> None:
    owner = BrowserWallet()
    meter = commission(accounts_database, owner=owner.address)
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    end_ms = int(end.timestamp() * 1000)
    start_ms = end_ms - 2 * HOUR_MS
    # One reading a minute for two hours: 1 Wh exported and 2 Wh imported each minute.
    write_readings(
        influx_settings,
        meter,
        [(start_ms + i * 60_000, i, 2 * i) for i in range(120)],
    )
    tokens = await sign_in(client, owner)
    params = {
        "from": datetime.fromtimestamp(start_ms / 1000, UTC).isoformat(),
        "to": end.isoformat(),
    }

    hourly = await client.get(
        f"/v1/meters/{meter.meter_id}/readings",
        params={**params, "resolution": 3600},
        headers=bearer(tokens),
    )
    assert hourly.status_code == 200, hourly.text
    body = hourly.json()
    assert body["resolution_s"] == 3600
    assert [(p["export_wh"], p["import_wh"]) for p in body["data"]] == [(59, 118), (119, 238)]
    assert datetime.fromisoformat(body["data"][0]["time"]) == datetime.fromtimestamp(
        start_ms / 1000, UTC
    )

    # One second asked for two hours: coarsened to 7,200 s / 50 points = 144 s buckets.
    fine = await client.get(
        f"/v1/meters/{meter.meter_id}/readings",
        params={**params, "resolution": 1},
        headers=bearer(tokens),
    )
    assert fine.json()["resolution_s"] == 144
    assert len(fine.json()["data"]) == 50
    assert fine.json()["data"][-1]["export_wh"] == 119


async def test_bad_ranges_are_refused_with_a_code(
    client: httpx.AsyncClient, accounts_database: PostgresSettings
) -> None:
    owner = BrowserWallet()
    meter = commission(accounts_database, owner=owner.address)
    tokens = await sign_in(client, owner)
    now = datetime.now(UTC)
    cases = [
        ({"from": now.isoformat(), "to": (now - timedelta(hours=1)).isoformat()}, "range_invalid"),
        ({"from": "2026-01-01T00:00:00"}, "validation_failed"),  # no UTC offset
        ({"resolution": "0"}, "validation_failed"),
        ({"resolution": "soon"}, "validation_failed"),
    ]
    for params, code in cases:
        response = await client.get(
            f"/v1/meters/{meter.meter_id}/readings", params=params, headers=bearer(tokens)
        )
        assert (response.status_code, response.json()["code"]) == (422, code), params
    too_long = await client.get(
        f"/v1/meters/{meter.meter_id}/intervals",
        params={"from": (now - timedelta(days=40)).isoformat()},
        headers=bearer(tokens),
    )
    assert (too_long.status_code, too_long.json()["code"]) == (422, "range_invalid")
    bad_id = await client.get("/v1/meters/not-a-uuid/intervals", headers=bearer(tokens))
    assert (bad_id.status_code, bad_id.json()["code"]) == (422, "validation_failed")


async def test_intervals_answer_the_energy_of_each_interval(
    client: httpx.AsyncClient, accounts_database: PostgresSettings
) -> None:
    owner = BrowserWallet()
    meter = commission(accounts_database, owner=owner.address)
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
    quarter = timedelta(minutes=15)
    record_interval(accounts_database, meter, base, (100, 50), (110, 52))
    record_interval(accounts_database, meter, base + quarter, (112, 53), (130, 60))
    record_interval(accounts_database, meter, base + 2 * quarter, (131, 60), (131, 70))
    tokens = await sign_in(client, owner)

    response = await client.get(
        f"/v1/meters/{meter.meter_id}/intervals",
        params={"from": (base + quarter).isoformat()},
        headers=bearer(tokens),
    )

    assert response.status_code == 200, response.text
    rows = response.json()["data"]
    # The first row in range takes the previous interval (outside the range) as its base.
    assert [(r["export_wh"], r["import_wh"], r["last_export_wh"]) for r in rows] == [
        (20, 8, 130),
        (1, 10, 131),
    ]
    assert datetime.fromisoformat(rows[0]["interval_start"]) == base + quarter


async def test_mints_page_with_a_cursor(
    client: httpx.AsyncClient, accounts_database: PostgresSettings
) -> None:
    owner = BrowserWallet()
    meter = commission(accounts_database, owner=owner.address)
    signatures = [
        record_mint(accounts_database, meter, 100 * (i + 1), 1_700_000_000_000 + i * 60_000)
        for i in range(3)
    ]
    tokens = await sign_in(client, owner)
    first = await client.get(
        f"/v1/meters/{meter.meter_id}/mints", params={"limit": 2}, headers=bearer(tokens)
    )
    page = first.json()
    assert [m["tx_signature"] for m in page["data"]] == signatures[:0:-1]
    assert [m["minted_wh"] for m in page["data"]] == [100, 100]
    second = await client.get(
        f"/v1/meters/{meter.meter_id}/mints",
        params={"limit": 2, "before": page["next_before"]},
        headers=bearer(tokens),
    )
    assert [m["tx_signature"] for m in second.json()["data"]] == signatures[:1]
    assert second.json()["next_before"] is None
