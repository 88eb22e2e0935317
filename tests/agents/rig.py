"""A small simulated fleet on a private chain, as the agents find it on the stack: owners
registered and prosumers' GXT minted by the real minting service from signed readings, and
consumers' import in PostgreSQL's interval aggregates as ingestion writes them; SOL and USDC from
the local faucet when a test funds the owners itself (``tests.utils.traders``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import psycopg
from solders.pubkey import Pubkey

from gridtokenx.agents.chain import AgentChain, Holdings
from gridtokenx.agents.energy import ImportEnergyReader
from gridtokenx.agents.roster import Agent, fleet_agents
from gridtokenx.agents.strategy import AgentRole
from gridtokenx.chain.addresses import ChainAddresses, load_addresses
from gridtokenx.chain.trading.accounts import Order
from gridtokenx.config import Settings
from gridtokenx.simulator.config import FleetConfig, KindMix
from tests.minting.rig import START_MS, MintRig, mint_rig
from tests.utils.traders import TraderFunding

HALF_AND_HALF = KindMix(consumer=0.5, solar_prosumer=0.5, battery_prosumer=0, ev_charger=0)
INTERVAL_MS = 15 * 60_000


@dataclass
class AgentsRig:
    mint: MintRig
    addresses: ChainAddresses
    chain: AgentChain
    agents: list[Agent]
    imports: ImportEnergyReader
    _intervals_recorded: dict[Agent, int] = field(default_factory=dict)

    @property
    def prosumers(self) -> list[Agent]:
        return [agent for agent in self.agents if agent.role is AgentRole.PROSUMER]

    @property
    def consumers(self) -> list[Agent]:
        return [agent for agent in self.agents if agent.role is AgentRole.CONSUMER]

    def index(self, agent: Agent) -> int:
        return self.agents.index(agent)

    async def mint_exports(self, exports_wh: Mapping[Agent, int]) -> None:
        """Sign each prosumer's export reading and let the minting service mint it."""
        for agent, export_wh in exports_wh.items():
            self.mint.ingest(self.index(agent), export_wh, 0, START_MS + 60_000)
        report = await self.mint.process.cycle()
        assert report.confirmed_wh == sum(exports_wh.values())

    async def fund(self, *, lamports: int, usdc_per_consumer: int) -> None:
        """Give every owner ``lamports`` and every consumer ``usdc_per_consumer`` of USDC, with
        both token accounts (what the agents' own top-ups would give, once and up front)."""
        funding = TraderFunding(self.mint.client, self.mint.settings, self.addresses)
        for agent in self.agents:
            usdc = usdc_per_consumer if agent.role is AgentRole.CONSUMER else 0
            await funding.fund(agent.keypair, lamports=lamports, usdc_base_units=usdc)

    def record_imports(self, imports_wh: Mapping[Agent, int], *, since_wh: int = 0) -> None:
        """Each consumer's import register rising from ``since_wh`` by its import, as two
        15-minute interval rows (after any recorded before), as ingestion stores them."""
        rows = []
        for agent, import_wh in imports_wh.items():
            assert agent.meter_id is not None
            half = since_wh + import_wh // 2
            end = since_wh + import_wh
            offset = self._intervals_recorded.get(agent, 0)
            self._intervals_recorded[agent] = offset + 2
            for number, (first, last) in enumerate(((since_wh, half), (half, end)), offset):
                start_ms = START_MS + number * INTERVAL_MS
                start = datetime.fromtimestamp(start_ms / 1000, UTC)
                rows.append((agent.meter_id, start, start_ms, start_ms + 60_000, first, last))
        with psycopg.connect(self.mint.settings.postgres.url) as connection:
            connection.cursor().executemany(
                """
                INSERT INTO meter_intervals (meter_id, interval_start, first_timestamp_ms,
                    last_timestamp_ms, first_export_wh, last_export_wh, first_import_wh,
                    last_import_wh)
                VALUES (%s, %s, %s, %s, 0, 0, %s, %s)
                """,
                rows,
            )

    async def holdings(self, agent: Agent) -> Holdings:
        return (await self.chain.holdings([agent.owner]))[agent.owner]

    async def orders(self, agent: Agent) -> list[Order]:
        return await self.chain.owner_orders(agent.owner)

    async def vaults(self) -> tuple[int, int]:
        rpc = self.chain.client.rpc
        return (
            await rpc.get_token_account_balance(self.addresses.energy_vault),
            await rpc.get_token_account_balance(self.addresses.quote_vault),
        )

    async def closed(self, agent: Agent, order_id: int) -> bool:
        address: Pubkey = self.chain.keys.order(agent.owner, order_id)
        account = await self.chain.client.rpc.get_account_info(address)
        return account is None or account.owner != self.addresses.trading_program


@asynccontextmanager
async def agents_rig(settings: Settings, seed: int, meter_count: int) -> AsyncIterator[AgentsRig]:
    """A fleet of ``meter_count`` meters, half prosumers, registered on chain by minting."""
    config = FleetConfig(meter_count=meter_count, seed=seed, mix=HALF_AND_HALF)
    async with mint_rig(settings, config) as mint:
        await mint.process.cycle()  # registers every owner and its GXT account
        addresses = load_addresses(settings.chain_addresses_file)
        chain = AgentChain(mint.client, addresses.market_keys())
        imports = ImportEnergyReader(settings.postgres.url)
        try:
            yield AgentsRig(mint, addresses, chain, fleet_agents(mint.fleet), imports)
        finally:
            imports.close()
