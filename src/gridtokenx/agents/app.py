"""The agents process: wire settings, chain, roster and import source, and run cycles.

:func:`run_agents` is the entry point for the service (`gridtokenx agents run`), tests and the
end-to-end benchmark: it trades on the bootstrapped market of the addresses file (or the
``addresses`` given) for the given ``agents`` or, by default, for the owners of the stored
simulator scenario's fleet (the first ``agents.max_agents``, re-read each cycle so a new
scenario brings its owners).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from gridtokenx.agents import metrics
from gridtokenx.agents.chain import AgentChain
from gridtokenx.agents.energy import ImportEnergyReader
from gridtokenx.agents.errors import AgentsError, NoAgentsError
from gridtokenx.agents.funding import LocalFunding
from gridtokenx.agents.roster import Agent, fleet_agents
from gridtokenx.agents.service import AgentRunner, CycleReport, strategy_params
from gridtokenx.chain.addresses import ChainAddresses, load_addresses
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.client.errors import ChainClientError
from gridtokenx.chain.faucet import LocalFaucet
from gridtokenx.chain.trading.accounts import Market
from gridtokenx.config import Settings
from gridtokenx.simulator.fleet import Fleet
from gridtokenx.simulator.store import ScenarioStore
from gridtokenx.telemetry.errors import StorageUnavailableError

_log = logging.getLogger(__name__)


class FleetRoster:
    """The stored scenario's owners; the fleet is rebuilt only when its configuration changes."""

    def __init__(self, settings: Settings) -> None:
        self._store = ScenarioStore(settings.postgres.url, settings.simulator.scenario)
        self._max_agents = settings.agents.max_agents
        self._fleet: Fleet | None = None
        self._agents: list[Agent] = []

    def close(self) -> None:
        self._store.close()

    def agents(self) -> list[Agent]:
        stored = self._store.load()
        if stored is None:
            raise NoAgentsError(
                "no simulator scenario is stored, so there are no simulated owners to trade for; "
                "start the simulator (`gridtokenx stack up simulator`)"
            )
        if self._fleet is None or self._fleet.config != stored.scenario.fleet:
            self._fleet = Fleet(stored.scenario.fleet)
            self._agents = fleet_agents(self._fleet, self._max_agents)
        return self._agents


async def check_market(client: ChainClient, addresses: ChainAddresses) -> None:
    """Trade only on the bootstrapped market with the operator and matcher it names."""
    account = await client.rpc.get_account_info(addresses.market)
    if account is None or account.owner != addresses.trading_program:
        raise AgentsError(
            f"market {addresses.market} is not a Trading account on {client.rpc.url}; "
            "bootstrap the chain (`gridtokenx chain bootstrap`)"
        )
    market = Market.decode(account.data)
    if (market.operator, market.matcher) != (addresses.operator, addresses.matcher):
        raise AgentsError(
            f"market {addresses.market} has operator {market.operator} and matcher "
            f"{market.matcher}, not the addresses file's {addresses.operator} and "
            f"{addresses.matcher}; refusing to trade on it"
        )


async def run_agents(
    settings: Settings,
    *,
    cycles: int | None = None,
    stop: asyncio.Event | None = None,
    agents: Sequence[Agent] | None = None,
    addresses: ChainAddresses | None = None,
) -> CycleReport:
    """Run agent cycles every ``agents.cycle_interval_s`` until ``stop`` is set or ``cycles``
    ran (the pause is skipped after the last one); the summed report. Disabled agents
    (``agents.enabled`` false) place nothing: they wait for ``stop`` (or return at once when
    ``cycles`` is given).

    A cycle whose shared reads fail (chain or PostgreSQL unreachable, no scenario) is logged
    and counted under ``cycle_<reason>``, and the next one tries again.
    """
    options = settings.agents
    stop = stop or asyncio.Event()
    total = CycleReport()
    if not options.enabled:
        _log.info("agents disabled (GRIDTOKENX_AGENTS__ENABLED=false); placing nothing")
        if cycles is None:
            await stop.wait()
        return total
    addresses = addresses or load_addresses(settings.chain_addresses_file)
    async with ChainClient.from_settings(settings.chain, addresses.error_decoders()) as client:
        await check_market(client, addresses)
        funding = None
        if addresses.local and options.fund_local:
            faucet = LocalFaucet.from_settings(settings, client)
            funding = LocalFunding(
                faucet, options.sol_top_up_lamports, options.usdc_top_up_base_units
            )
        imports = ImportEnergyReader(settings.postgres.url)
        roster = FleetRoster(settings) if agents is None else None
        fixed = list(agents or ())
        runner = AgentRunner(
            AgentChain(client, addresses.market_keys()),
            strategy_params(options),
            seed=options.seed,
            concurrency=options.concurrency,
            deficit_window_intervals=options.deficit_window_intervals,
            imports=imports,
            funding=funding,
        )
        try:
            done = 0
            while not stop.is_set() and (cycles is None or done < cycles):
                try:
                    roll = fixed if roster is None else roster.agents()
                    metrics.AGENTS.set(len(roll))
                    report = await runner.cycle(roll)
                    _log.info("agents cycle: %s", report)
                    total.merge(report)
                except (StorageUnavailableError, ChainClientError, NoAgentsError) as exc:
                    reason = f"cycle_{type(exc).__name__}"
                    total.failures[reason] += 1
                    metrics.FAILURES.labels(reason).inc()
                    _log.warning("agents cycle failed, retrying next cycle: %s", exc)
                done += 1
                if cycles is not None and done >= cycles:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), options.cycle_interval_s)
        finally:
            imports.close()
            if roster is not None:
                roster.close()
    return total
