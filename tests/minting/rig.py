"""A minting process over a private bootstrapped node and a scratch database, with a small
commissioned simulator fleet whose readings the test signs and stores as ingestion would."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import psycopg
from solders.keypair import Keypair

from gridtokenx.chain.addresses import load_addresses
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.registry.accounts import MeterAccount
from gridtokenx.chain.registry.pda import meter_address
from gridtokenx.chain.spl_token import associated_token_address
from gridtokenx.config import Settings
from gridtokenx.minting.app import MintingProcess
from gridtokenx.minting.chain import ClientMintChain
from gridtokenx.minting.core import SignedWatermark
from gridtokenx.minting.transactions import reading_message
from gridtokenx.simulator.commissioning import FleetCommissioner
from gridtokenx.simulator.config import FleetConfig
from gridtokenx.simulator.fleet import Fleet
from gridtokenx.simulator.owners import SimulatedMeter, owner_keypair, simulated_meters
from gridtokenx.simulator.scenario import RunMode, RunState, Scenario
from gridtokenx.simulator.signing import derive_key_seed
from gridtokenx.simulator.store import ScenarioStore, StoredRun
from gridtokenx.telemetry.repository import TelemetryRepository

START_MS = 1_790_000_000_000
"""Commissioning time of the test fleets (their watermarks start here with zero registers)."""


@dataclass
class MintRig:
    settings: Settings
    client: ChainClient
    chain: ClientMintChain
    process: MintingProcess
    fleet: Fleet
    meters: list[SimulatedMeter]

    def new_process(self) -> MintingProcess:
        """A fresh process on the same ledger and chain: what a restart after a crash sees."""
        self.process.close()
        addresses = load_addresses(self.settings.chain_addresses_file)
        self.process = MintingProcess.create(self.settings, self.chain, addresses)
        return self.process

    def sign(
        self, index: int, export_wh: int, import_wh: int, timestamp_ms: int
    ) -> SignedWatermark:
        """Meter ``index``'s reading signed with its device key, as the simulator signs."""
        meter = self.meters[index]
        unsigned = SignedWatermark(meter.meter_id, export_wh, import_wh, timestamp_ms, b"")
        device = Keypair.from_seed(derive_key_seed(meter.fleet_seed, index))
        assert device.pubkey() == meter.device_pubkey
        signature = bytes(device.sign_message(reading_message(unsigned)))
        return SignedWatermark(meter.meter_id, export_wh, import_wh, timestamp_ms, signature)

    def store_watermark(self, watermark: SignedWatermark) -> None:
        """Write the watermark as ingestion does when it accepts a reading."""
        with psycopg.connect(self.settings.postgres.url) as connection:
            connection.execute(
                """
                UPDATE meter_watermarks SET timestamp_ms = %s, export_wh = %s, import_wh = %s,
                    signature = %s, updated_at = now()
                WHERE meter_id = %s
                """,
                (
                    watermark.timestamp_ms,
                    watermark.export_wh,
                    watermark.import_wh,
                    watermark.signature,
                    watermark.meter_id,
                ),
            )

    def ingest(self, index: int, export_wh: int, import_wh: int, timestamp_ms: int) -> None:
        self.store_watermark(self.sign(index, export_wh, import_wh, timestamp_ms))

    async def balance_base_units(self, index: int) -> int:
        owner = owner_keypair(self.meters[index].fleet_seed, index).pubkey()
        gxt_mint = self.process.minter.gxt_mint
        return await self.client.rpc.get_token_account_balance(
            associated_token_address(owner, gxt_mint)
        )

    async def meter_account(self, index: int) -> MeterAccount:
        program = self.process.minter.registry_program
        address = meter_address(program, self.meters[index].meter_id.bytes)[0]
        [data] = await self.chain.account_data([address])
        assert data is not None
        return MeterAccount.decode(data)

    def statuses(self, meter_id: uuid.UUID) -> list[tuple[str, int | None, str | None]]:
        """The meter's submissions in order: (status, minted Wh, error)."""
        with psycopg.connect(self.settings.postgres.url) as connection:
            rows = connection.execute(
                "SELECT status, minted_wh, error FROM mint_submissions WHERE meter_id = %s "
                "ORDER BY submission_id",
                (meter_id,),
            ).fetchall()
        return [(status, minted, error) for status, minted, error in rows]


@asynccontextmanager
async def mint_rig(settings: Settings, config: FleetConfig) -> AsyncIterator[MintRig]:
    """Commission ``config``'s fleet, store it as the simulator's scenario, and yield a minting
    process (whose first cycle registers the meters on chain)."""
    fleet = Fleet(config)
    repository = TelemetryRepository(settings.postgres.url)
    try:
        FleetCommissioner(repository).commission(fleet, START_MS, fresh=True)
    finally:
        repository.close()
    scenarios = ScenarioStore(settings.postgres.url, settings.simulator.scenario)
    try:
        scenario = Scenario(
            fleet=config,
            mode=RunMode.ACCELERATED,
            speed=60.0,
            interval_ms=60_000,
            start_ms=START_MS,
        )
        scenarios.save(StoredRun(scenario=scenario, state=RunState.STOPPED, position_ms=START_MS))
    finally:
        scenarios.close()
    addresses = load_addresses(settings.chain_addresses_file)
    async with ChainClient.from_settings(settings.chain, addresses.error_decoders()) as client:
        chain = ClientMintChain(client)
        process = MintingProcess.create(settings, chain, addresses)
        rig = MintRig(settings, client, chain, process, fleet, simulated_meters(fleet))
        try:
            yield rig
        finally:
            rig.process.close()
