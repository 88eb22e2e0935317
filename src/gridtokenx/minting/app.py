"""The minting process: wire settings, chain, ledger and fleet together and loop until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from solders.keypair import Keypair

from gridtokenx.chain.addresses import ChainAddresses, load_addresses
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.client.errors import ChainClientError
from gridtokenx.chain.keys import OPERATOR_KEY, read_keypair
from gridtokenx.config import Settings
from gridtokenx.minting import metrics
from gridtokenx.minting.chain import ClientMintChain, MintChain
from gridtokenx.minting.errors import MintingError
from gridtokenx.minting.ledger import MintLedger
from gridtokenx.minting.registration import MeterRegistrar, RegistryKeys
from gridtokenx.minting.service import CycleReport, Minter
from gridtokenx.simulator.config import FleetConfig
from gridtokenx.simulator.fleet import Fleet
from gridtokenx.simulator.owners import simulated_meters
from gridtokenx.simulator.store import ScenarioStore
from gridtokenx.telemetry.errors import StorageUnavailableError

_log = logging.getLogger(__name__)


def operator_keypair(settings: Settings, addresses: ChainAddresses) -> Keypair:
    """The keypair that pays and co-signs; it must be the bootstrapped registry's operator."""
    path = settings.minting.payer_keypair_file or settings.chain_keys_dir / f"{OPERATOR_KEY}.json"
    operator = read_keypair(path)
    if operator.pubkey() != addresses.operator:
        raise MintingError(
            f"{path} holds {operator.pubkey()}, but the registry's operator is "
            f"{addresses.operator}; point GRIDTOKENX_MINTING__PAYER_KEYPAIR_FILE at its keypair"
        )
    return operator


@dataclass
class MintingProcess:
    """One minting process's parts; ``cycle`` registers the fleet's meters, then mints."""

    settings: Settings
    ledger: MintLedger
    minter: Minter
    registrar: MeterRegistrar
    scenarios: ScenarioStore
    _fleet: Fleet | None = None

    @classmethod
    def create(
        cls, settings: Settings, chain: MintChain, addresses: ChainAddresses
    ) -> MintingProcess:
        operator = operator_keypair(settings, addresses)
        ledger = MintLedger(settings.postgres.url)
        minter = Minter(
            ledger,
            chain,
            addresses.registry_program,
            addresses.gxt_mint,
            operator,
            settings.minting.readings_per_transaction,
        )
        keys = RegistryKeys(addresses.registry_program, addresses.gxt_mint, operator)
        registrar = MeterRegistrar(ledger, chain, keys)
        scenarios = ScenarioStore(settings.postgres.url, settings.simulator.scenario)
        return cls(settings, ledger, minter, registrar, scenarios)

    def close(self) -> None:
        self.ledger.close()
        self.scenarios.close()

    def fleet(self) -> Fleet | None:
        """The stored scenario's fleet (rebuilt only when its configuration changes)."""
        stored = self.scenarios.load()
        if stored is None:
            return None
        config: FleetConfig = stored.scenario.fleet
        if self._fleet is None or self._fleet.config != config:
            self._fleet = Fleet(config)
        return self._fleet

    async def cycle(self) -> CycleReport:
        if self.settings.minting.register_simulated_meters:
            fleet = self.fleet()
            if fleet is not None:
                await self.registrar.register_commissioned(simulated_meters(fleet))
        return await self.minter.run_cycle()


async def serve(settings: Settings, stop: asyncio.Event, *, cycles: int | None = None) -> None:
    """Run cycles every ``minting.interval_s`` until ``stop`` is set (or ``cycles`` ran).

    A cycle that fails on PostgreSQL or the cluster is logged and the next one tries again:
    everything it did is in the ledger, and pending submissions are reconciled first.
    """
    addresses = load_addresses(settings.chain_addresses_file)
    client = ChainClient.from_settings(settings.chain, addresses.error_decoders())
    async with client:
        process = MintingProcess.create(settings, ClientMintChain(client), addresses)
        try:
            done = 0
            while not stop.is_set() and (cycles is None or done < cycles):
                try:
                    report = await process.cycle()
                    _log.info("mint cycle: %s", report)
                except (StorageUnavailableError, ChainClientError) as exc:
                    metrics.CHAIN_ERRORS.labels(type(exc).__name__).inc()
                    _log.warning("mint cycle failed, retrying next cycle: %s", exc)
                done += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), settings.minting.interval_s)
        finally:
            process.close()
