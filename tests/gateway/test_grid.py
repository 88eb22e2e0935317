"""The grid routes: GeoJSON topology (meters only for their owner and operators) and live
per-zone flows; the public views leak no wallet, user id, meter id or meter position."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import pytest
from psycopg.types.json import Jsonb

from gridtokenx.config import PostgresSettings
from gridtokenx.gateway.grid_view import fleet_topology
from gridtokenx.simulator.config import FleetConfig
from gridtokenx.simulator.scenario import fleet_config_to_json
from tests.gateway.energy_data import FieldMeter, commission, record_interval, record_trade
from tests.gateway.wallet import BrowserWallet, bearer, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


def store_scenario(postgres: PostgresSettings, config: FleetConfig) -> None:
    """The simulator's stored scenario row (only its fleet matters here)."""
    with psycopg.connect(postgres.url) as connection:
        connection.execute(
            """
            INSERT INTO simulator_scenarios (name, fleet_config, mode, speed, interval_ms,
                start_ms, state, position_ms)
            VALUES ('default', %s, 'accelerated', 1, 60000, 0, 'stopped', 0)
            ON CONFLICT (name) DO UPDATE SET fleet_config = EXCLUDED.fleet_config
            """,
            (Jsonb(fleet_config_to_json(config)),),
        )


def _meter_features(collection: dict[str, object]) -> dict[str, list[float]]:
    features = collection["features"]
    assert isinstance(features, list)
    return {
        f["properties"]["meter_id"]: f["geometry"]["coordinates"]
        for f in features
        if f["properties"]["kind"] == "meter"
    }


async def test_topology_is_public_per_zone_and_exact_for_owners_and_operators(
    client: httpx.AsyncClient,
    accounts_database: PostgresSettings,
    operator_wallet: BrowserWallet,
) -> None:
    config = FleetConfig(meter_count=20, seed=random.randrange(2**32))
    store_scenario(accounts_database, config)
    topology = fleet_topology(config)
    owner, neighbour = BrowserWallet(), BrowserWallet()
    mine = commission(
        accounts_database,
        owner=owner.address,
        fleet_seed=config.seed,
        meter_index=7,
        zone_id=int(topology.meter_zone[7]),
    )
    theirs = commission(
        accounts_database,
        owner=neighbour.address,
        fleet_seed=config.seed,
        meter_index=8,
        zone_id=int(topology.meter_zone[8]),
    )

    public = await client.get("/v1/grid/topology")
    assert public.status_code == 200, public.text
    kinds = [f["properties"]["kind"] for f in public.json()["features"]]
    assert kinds.count("substation") == config.topology.substations
    assert kinds.count("zone") == config.topology.zone_count
    assert "meter" not in kinds
    zone = next(
        f for f in public.json()["features"] if f["id"] == f"zone-{int(topology.meter_zone[7])}"
    )
    assert zone["properties"]["meter_count"] >= 1
    assert zone["geometry"]["coordinates"] == [
        round(float(topology.zone_lon_deg[int(topology.meter_zone[7])]), 7),
        round(float(topology.zone_lat_deg[int(topology.meter_zone[7])]), 7),
    ]
    for wallet in (owner, neighbour):
        for secret in (wallet.address, str(mine.meter_id), str(theirs.meter_id)):
            assert secret not in public.text
    for index in (7, 8):
        assert str(round(float(topology.meter_lat_deg[index]), 7)) not in public.text

    owner_tokens = await sign_in(client, owner)
    own = await client.get("/v1/grid/topology", headers=bearer(owner_tokens))
    assert _meter_features(own.json()) == {
        str(mine.meter_id): [
            round(float(topology.meter_lon_deg[7]), 7),
            round(float(topology.meter_lat_deg[7]), 7),
        ]
    }
    assert owner_tokens["user_id"] not in own.text

    operator = await sign_in(client, operator_wallet)
    everything = await client.get("/v1/grid/topology", headers=bearer(operator))
    assert set(_meter_features(everything.json())) == {str(mine.meter_id), str(theirs.meter_id)}

    tampered = await client.get("/v1/grid/topology", headers={"Authorization": "Bearer nope"})
    assert (tampered.status_code, tampered.json()["code"]) == (401, "token_invalid")


async def test_zones_live_sums_the_newest_complete_interval_and_withholds_small_groups(
    client: httpx.AsyncClient, accounts_database: PostgresSettings
) -> None:
    now = datetime.now(UTC)
    current = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    newest_complete = current - timedelta(minutes=15)
    previous = newest_complete - timedelta(minutes=15)
    owners = [BrowserWallet() for _ in range(4)]
    crowded: list[FieldMeter] = [
        commission(accounts_database, owner=w.address, zone_id=5) for w in owners[:3]
    ]
    lonely = commission(accounts_database, owner=owners[3].address, zone_id=6)
    for index, meter in enumerate(crowded):
        record_interval(accounts_database, meter, previous, (0, 0), (100, 10))
        record_interval(
            accounts_database, meter, newest_complete, (101, 10), (100 + 50 * (index + 1), 40)
        )
        # The interval in progress does not count yet.
        record_interval(accounts_database, meter, current, (999, 999), (9_999, 9_999))
    record_interval(accounts_database, lonely, newest_complete, (0, 0), (0, 700))
    in_interval_ms = int(newest_complete.timestamp() * 1000) + 60_000
    sellers = [w.address for w in owners[:3]]
    buyer = owners[3].address
    record_trade(
        accounts_database,
        seller=sellers[0],
        buyer=buyer,
        quantity=1_000,
        timestamp_ms=in_interval_ms,
    )
    record_trade(
        accounts_database,
        seller=sellers[1],
        buyer=buyer,
        quantity=2_000,
        timestamp_ms=in_interval_ms,
    )
    # Left out: within one zone, of the interval in progress, refused by the chain, and a
    # pair of zones only two wallets traded across (withheld).
    record_trade(
        accounts_database,
        seller=sellers[0],
        buyer=sellers[1],
        quantity=7,
        timestamp_ms=in_interval_ms,
    )
    record_trade(
        accounts_database,
        seller=sellers[0],
        buyer=buyer,
        quantity=7,
        timestamp_ms=int(current.timestamp() * 1000),
    )
    record_trade(
        accounts_database,
        seller=sellers[2],
        buyer=buyer,
        quantity=7,
        timestamp_ms=in_interval_ms,
        status="rejected",
    )
    record_trade(
        accounts_database, seller=buyer, buyer=sellers[2], quantity=500, timestamp_ms=in_interval_ms
    )

    response = await client.get("/v1/grid/zones/live")

    assert response.status_code == 200, response.text
    body = response.json()
    assert datetime.fromisoformat(body["interval_start"]) == newest_complete
    zones = {zone["zone_id"]: zone for zone in body["data"]}
    assert zones[5] == {
        "zone_id": 5,
        "meter_count": 3,
        "production_wh": 50 + 100 + 150,
        "consumption_wh": 3 * 30,
        "net_export_wh": 300 - 90,
    }
    assert zones[6] == {
        "zone_id": 6,
        "meter_count": 1,
        "production_wh": None,
        "consumption_wh": None,
        "net_export_wh": None,
    }
    assert body["inter_zone_trades"] == [
        {"from_zone": 5, "to_zone": 6, "trade_count": 2, "quantity": 3_000}
    ]
    text = json.dumps(body)
    for wallet in owners:
        assert wallet.address not in text
    for meter in [*crowded, lonely]:
        assert str(meter.meter_id) not in text
