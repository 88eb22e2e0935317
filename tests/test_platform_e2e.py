"""A simulated day through the whole pipeline: simulator → Kafka → ingestion (InfluxDB,
PostgreSQL) → on-chain registration and minting; every prosumer ends up holding exactly the
energy it exported, to the Wh, as GXT.

Real services throughout: the stack's Kafka, PostgreSQL and InfluxDB (private topics, database
and InfluxDB database) and a private chain node bootstrapped with the Registry and Trading
programs.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import psycopg
import pytest
from solders.pubkey import Pubkey

from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.spl_token import associated_token_address
from gridtokenx.config import Settings
from gridtokenx.minting.app import MintingProcess
from gridtokenx.minting.chain import ClientMintChain
from gridtokenx.simulator.owners import simulated_meters
from gridtokenx.telemetry.dead_letter import DeadLetterPublisher
from gridtokenx.telemetry.influx_writer import InfluxWriter
from gridtokenx.telemetry.ingest import IngestionService
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.simulator.service.rig import MINUTE_MS, now_ms, scenario_request, service_rig, wait_for

pytestmark = pytest.mark.integration

METERS = 8
DAY_MS = 86_400_000
GXT_PER_WH = 1_000


async def _mint_until_quiet(settings: Settings, chain: LocalChain) -> MintingProcess:
    client = ChainClient.from_settings(settings.chain, chain.addresses.error_decoders())
    async with client:
        process = MintingProcess.create(settings, ClientMintChain(client), chain.addresses)
        try:
            for _ in range(20):
                report = await process.cycle()
                if not report.submitted_transactions and not report.undecided:
                    break
        finally:
            process.close()
        return process


async def _balances(settings: Settings, chain: LocalChain, wallets: list[Pubkey]) -> list[int]:
    client = ChainClient.from_settings(settings.chain, chain.addresses.error_decoders())
    async with client:
        return [
            await client.rpc.get_token_account_balance(
                associated_token_address(wallet, chain.addresses.gxt_mint)
            )
            for wallet in wallets
        ]


def test_a_simulated_day_ends_as_gxt_equal_to_exported_energy(
    running_stack: Settings, tmp_path: Path
) -> None:
    with service_rig(running_stack) as rig, bootstrapped_chain(tmp_path) as chain:
        settings = rig.settings.model_copy(
            update={"state_dir": chain.settings.state_dir, "chain": chain.settings.chain}
        )
        rig.pipeline.settings = settings
        start_ms = (now_ms() - 2 * DAY_MS) // (15 * MINUTE_MS) * (15 * MINUTE_MS)
        with rig.process() as (_, api):
            request = scenario_request(
                meter_count=METERS,
                seed=77,
                mode="replay",
                interval_ms=15 * MINUTE_MS,
                start_ms=start_ms,
                end_ms=start_ms + DAY_MS,
            )
            assert api.put("/v1/scenario", json=request).status_code < 300
            api.post("/v1/run/start")
            wait_for(lambda: api.get("/v1/run").json()["state"] == "finished", "the day", 120.0)
            published = api.get("/v1/run").json()["records_published"]
        assert published == METERS * 96

        counters = IngestionService(
            settings,
            rig.pipeline.repository,
            InfluxWriter(settings.influx),
            DeadLetterPublisher(
                settings.kafka.bootstrap_servers, settings.telemetry.dead_letter_topic
            ),
        ).run(max_idle_polls=3)
        assert counters.accepted == published
        assert rig.pipeline.influx_point_count() == published
        with psycopg.connect(settings.postgres.url) as connection:
            exported: dict[uuid.UUID, int] = dict(
                connection.execute("SELECT meter_id, export_wh FROM meter_watermarks").fetchall()
            )
            interval_rows = connection.execute("SELECT count(*) FROM meter_intervals").fetchone()
        assert interval_rows is not None
        assert interval_rows[0] >= METERS * 95

        process = asyncio.run(_mint_until_quiet(settings, chain))
        fleet = process.fleet()
        assert fleet is not None
        meters = simulated_meters(fleet)
        owners = [meter.owner.pubkey() for meter in meters]
        balances = asyncio.run(_balances(settings, chain, owners))
        expected = [exported[meter.meter_id] for meter in meters]
        assert [balance // GXT_PER_WH for balance in balances] == expected
        assert all(balance % GXT_PER_WH == 0 for balance in balances)
        assert sum(expected) > 0, "a simulated day with no export proves nothing"
