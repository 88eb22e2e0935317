"""The public ``grid`` channel: the feed's grid publisher computes the per-zone document from
PostgreSQL (the sources of ``/v1/grid/zones/live``) and publishes a snapshot and updates through
Redis; a gateway's WebSocket serves them without a token, aggregated per zone: a small zone's
flows and a pair of zones few wallets traded across are withheld, and nothing names a wallet,
user or meter."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from redis.asyncio import Redis

from gridtokenx.config import PostgresSettings, Settings
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.gateway.database import create_engine
from gridtokenx.gateway.energy_repository import EnergyRepository, ZoneFlow, ZoneTrades
from gridtokenx.gateway.feed.bus import BusKeys
from gridtokenx.gateway.feed.grid_channel import grid_document
from gridtokenx.gateway.feed.grid_publisher import GridPublisher
from gridtokenx.gateway.grid_view import MIN_ZONE_METERS
from tests.gateway.conftest import Clock
from tests.gateway.energy_data import FieldMeter, commission, record_interval, record_trade
from tests.gateway.market_feed import wait_for
from tests.gateway.wallet import BrowserWallet
from tests.gateway.ws_session import gateway, receive, ws_settings
from tests.utils.databases import scratch_database

_flows = st.builds(
    ZoneFlow,
    zone_id=st.integers(0, 50),
    meter_count=st.integers(1, 10),
    production_wh=st.integers(0, 10**9),
    consumption_wh=st.integers(0, 10**9),
)
_trades = st.builds(
    ZoneTrades,
    from_zone=st.integers(0, 50),
    to_zone=st.integers(0, 50),
    trade_count=st.integers(1, 100),
    traders=st.integers(2, 10),
    quantity=st.integers(1, 10**12),
)


@given(st.lists(_flows, max_size=20), st.lists(_trades, max_size=20))
def test_the_document_withholds_small_zones_and_thin_pairs(
    flows: list[ZoneFlow], trades: list[ZoneTrades]
) -> None:
    document = grid_document(None, flows, trades)
    for zone, flow in zip(document["zones"], sorted(flows, key=lambda f: f.zone_id), strict=True):
        shown = flow.meter_count >= MIN_ZONE_METERS
        assert (zone["production_wh"] is not None) == shown
        if shown:
            assert zone["net_export_wh"] == flow.production_wh - flow.consumption_wh
    assert len(document["inter_zone_trades"]) == sum(t.traders >= MIN_ZONE_METERS for t in trades)
    assert all(set(pair) == {"from_zone", "to_zone", "trade_count", "quantity"}
               for pair in document["inter_zone_trades"])  # fmt: skip


def _publish(settings: Settings, publisher_state: dict[str, Any]) -> bool:
    """One round of a grid publisher that keeps its sequence across calls (as it does while
    it runs)."""

    async def run() -> bool:
        engine = create_engine(settings.postgres)
        redis = Redis(host=settings.redis.host, port=settings.redis.port)
        publisher = GridPublisher(
            EnergyRepository(engine), redis, BusKeys(settings.market_data.redis_prefix)
        )
        publisher.sequence = publisher_state.get("sequence", 0)
        publisher.data = publisher_state.get("data")
        try:
            changed = await publisher.publish_once()
        finally:
            await redis.aclose()
            await engine.dispose()
        publisher_state["sequence"] = publisher.sequence
        publisher_state["data"] = publisher.data
        return changed

    return asyncio.run(run())


@pytest.fixture(scope="module")
def grid_database(running_stack: Settings) -> Iterator[PostgresSettings]:
    """A database of its own: the zones' figures are sums over every row of the interval, and
    the shared accounts database's grid rows belong to tests/gateway/test_grid.py."""
    with scratch_database(running_stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        yield postgres


@pytest.mark.integration
def test_grid_channel_snapshot_and_updates_per_zone_only(
    gateway_settings: Settings, grid_database: PostgresSettings, clock: Clock
) -> None:
    accounts_database = grid_database
    settings = ws_settings(gateway_settings.model_copy(update={"postgres": grid_database}))
    now = datetime.now(UTC)
    current = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    interval = current - timedelta(minutes=15)
    owners = [BrowserWallet() for _ in range(5)]
    crowded: list[FieldMeter] = [
        commission(accounts_database, owner=w.address, zone_id=71) for w in owners[:3]
    ]
    lonely = commission(accounts_database, owner=owners[3].address, zone_id=72)
    for meter in crowded:
        record_interval(accounts_database, meter, interval, (0, 0), (100, 30))
    record_interval(accounts_database, lonely, interval, (0, 0), (0, 700))
    in_interval_ms = int(interval.timestamp() * 1000) + 60_000
    for seller in owners[:2]:
        record_trade(
            accounts_database, seller=seller.address, buyer=owners[3].address, quantity=1_000,
            timestamp_ms=in_interval_ms,
        )  # fmt: skip
    state: dict[str, Any] = {}
    assert _publish(settings, state)
    assert not _publish(settings, state)  # nothing changed: no update

    with gateway(settings, clock) as client:
        mirror = client.app.state.market_mirror  # type: ignore[attr-defined]
        wait_for(lambda: mirror.connected.is_set(), "the mirror to load")
        with client.websocket_connect("/v1/ws") as ws:
            ws.send_json({"op": "subscribe", "channel": "grid"})
            snapshot = receive(ws)
            assert (snapshot["type"], snapshot["sequence"]) == ("snapshot", state["sequence"])
            zones = {zone["zone_id"]: zone for zone in snapshot["data"]["zones"]}
            assert zones[71] == {
                "zone_id": 71, "meter_count": 3, "production_wh": 300, "consumption_wh": 90,
                "net_export_wh": 210,
            }  # fmt: skip
            assert zones[72]["production_wh"] is None  # one household: withheld
            assert snapshot["data"]["interval_start_ms"] == int(interval.timestamp() * 1000)
            pairs = {(p["from_zone"], p["to_zone"]) for p in snapshot["data"]["inter_zone_trades"]}
            assert (71, 72) in pairs

            # A fourth and fifth meter report in zone 72: its flows are shown from now on.
            for wallet in owners[4:]:
                extra = commission(accounts_database, owner=wallet.address, zone_id=72)
                record_interval(accounts_database, extra, interval, (0, 0), (500, 0))
            extra2 = commission(accounts_database, zone_id=72)
            record_interval(accounts_database, extra2, interval, (0, 0), (0, 100))
            previous = state["sequence"]
            assert _publish(settings, state)
            update = receive(ws)
            assert (update["type"], update["previous"], update["sequence"]) == (
                "update", previous, state["sequence"],
            )  # fmt: skip
            zones = {zone["zone_id"]: zone for zone in update["data"]["zones"]}
            assert zones[72] == {
                "zone_id": 72, "meter_count": 3, "production_wh": 500, "consumption_wh": 800,
                "net_export_wh": -300,
            }  # fmt: skip
            text = json.dumps([snapshot, update])
            for wallet in owners:
                assert wallet.address not in text
            for meter in [*crowded, lonely, extra2]:
                assert str(meter.meter_id) not in text
