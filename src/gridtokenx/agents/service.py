"""One cycle of every agent: read, (top up), decide, send, with bounded concurrency.

A cycle reads the whole roster's wallets and open orders in a few batched requests, reads the
consumers' recent import from PostgreSQL, runs the pure strategy for each agent, and sends the
resulting transactions with at most ``concurrency`` in flight over all agents (each agent's own
actions go one after another, cancels and claims before its new order). A failed action is
counted under its reason and the agent moves on to its next action; other agents never notice.
The only memory kept between cycles is each agent's highest order id, when it first saw
claimables on each order, and a consumer's deficit baseline; a restart loses nothing the chain
does not hold (a consumer takes a new baseline).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from solders.pubkey import Pubkey

from gridtokenx.agents import metrics
from gridtokenx.agents.chain import AgentChain, Holdings, open_order
from gridtokenx.agents.deficit import (
    DeficitBaseline,
    ImportReading,
    acquired_gxt,
    rebaseline,
    uncovered_import_gxt,
)
from gridtokenx.agents.failures import failure_reason
from gridtokenx.agents.funding import LocalFunding
from gridtokenx.agents.roster import Agent
from gridtokenx.agents.strategy import (
    MS_PER_S,
    Action,
    AgentRole,
    AgentState,
    CancelAction,
    ClaimAction,
    OpenOrder,
    PlaceAction,
    StrategyParams,
    decide,
)
from gridtokenx.chain.trading.accounts import Order
from gridtokenx.config import AgentsSettings

_log = logging.getLogger(__name__)


class ImportSource(Protocol):
    def imports(
        self, meter_ids: Sequence[uuid.UUID], window_intervals: int
    ) -> dict[uuid.UUID, ImportReading]: ...


def strategy_params(settings: AgentsSettings) -> StrategyParams:
    return StrategyParams(
        reference_price_per_kwh=settings.reference_price_per_kwh,
        spread_bps=settings.spread_bps,
        reserve_price_per_kwh=settings.reserve_price_per_kwh,
        price_cap_per_kwh=settings.price_cap_per_kwh,
        reserve_gxt=settings.reserve_gxt_base_units,
        min_order_gxt=settings.min_order_gxt_base_units,
        max_order_gxt=settings.max_order_gxt_base_units,
        max_open_orders=settings.max_open_orders,
        order_max_age_s=settings.order_max_age_s,
        claim_grace_s=settings.claim_grace_s,
    )


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class CycleReport:
    agents: int = 0
    placed: Counter[str] = field(default_factory=Counter)
    """Orders placed, by side (``buy``, ``sell``)."""
    cancelled: int = 0
    claimed: int = 0
    funded: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    """Actions (and top-ups) that did not land, by reason."""

    def merge(self, other: CycleReport) -> None:
        self.agents = max(self.agents, other.agents)
        self.placed.update(other.placed)
        self.cancelled += other.cancelled
        self.claimed += other.claimed
        self.funded += other.funded
        self.failures.update(other.failures)


@dataclass
class _Memory:
    highest_order_id: int = 0
    claimable_since_s: dict[int, int] = field(default_factory=dict)
    deficit_baseline: DeficitBaseline | None = None


class AgentRunner:
    def __init__(
        self,
        chain: AgentChain,
        params: StrategyParams,
        *,
        seed: int,
        concurrency: int,
        deficit_window_intervals: int,
        imports: ImportSource | None = None,
        funding: LocalFunding | None = None,
        clock_ms: Callable[[], int] = wall_clock_ms,
    ) -> None:
        self.chain = chain
        self.params = params
        self.seed = seed
        self.deficit_window_intervals = deficit_window_intervals
        self.imports = imports
        self.funding = funding
        self.clock_ms = clock_ms
        self._slots = asyncio.Semaphore(concurrency)
        self._memory: dict[Pubkey, _Memory] = {}

    async def cycle(self, agents: Sequence[Agent]) -> CycleReport:
        """Run every agent once. Raises ChainClientError or StorageUnavailableError only when
        the shared reads (wallets, orders, import) fail; single actions never raise."""
        report = CycleReport(agents=len(agents))
        owners = [agent.owner for agent in agents]
        holdings = await self.chain.holdings(owners)
        if self.funding is not None:
            funded = await self._fund(agents, holdings, report)
            if funded:
                holdings.update(await self.chain.holdings(funded))
        orders = await self.chain.open_orders(owners)
        imports = await self._imports(agents)
        now_ms = self.clock_ms()
        plans: list[tuple[Agent, list[Action], list[Pubkey]]] = []
        for agent in agents:
            state = self._state(agent, holdings[agent.owner], orders[agent.owner], imports, now_ms)
            actions = decide(state, self.params, self.seed)
            plans.append((agent, actions, self._missing_mints(holdings[agent.owner])))
        results = await asyncio.gather(*(self._run(*plan) for plan in plans))
        for result in results:
            report.merge(result)
        metrics.CYCLES.inc()
        return report

    def _state(
        self,
        agent: Agent,
        holdings: Holdings,
        chain_orders: Sequence[Order],
        imports: dict[uuid.UUID, ImportReading],
        now_ms: int,
    ) -> AgentState:
        memory = self._memory.setdefault(agent.owner, _Memory())
        opened: list[OpenOrder] = [open_order(order) for order in chain_orders]
        now_s = now_ms // MS_PER_S
        memory.claimable_since_s = {
            order.order_id: memory.claimable_since_s.get(order.order_id, now_s)
            for order in opened
            if order.has_claimables
        }
        uncovered_gxt = 0
        reading = imports.get(agent.meter_id) if agent.meter_id else None
        if agent.role is AgentRole.CONSUMER and reading is not None:
            acquired = acquired_gxt(holdings.gxt or 0, opened)
            memory.deficit_baseline = rebaseline(memory.deficit_baseline, reading, acquired)
            uncovered_gxt = uncovered_import_gxt(memory.deficit_baseline, reading, acquired)
        return AgentState(
            role=agent.role,
            identity=bytes(agent.owner),
            now_ms=now_ms,
            gxt=holdings.gxt or 0,
            usdc=holdings.usdc or 0,
            open_orders=tuple(opened),
            uncovered_import_gxt=uncovered_gxt,
            claimable_since_s=dict(memory.claimable_since_s),
            highest_order_id=memory.highest_order_id,
        )

    def _missing_mints(self, holdings: Holdings) -> list[Pubkey]:
        keys = self.chain.keys
        missing = []
        if holdings.gxt is None:
            missing.append(keys.energy_mint)
        if holdings.usdc is None:
            missing.append(keys.quote_mint)
        return missing

    async def _imports(self, agents: Sequence[Agent]) -> dict[uuid.UUID, ImportReading]:
        if self.imports is None:
            return {}
        meter_ids = [
            agent.meter_id
            for agent in agents
            if agent.role is AgentRole.CONSUMER and agent.meter_id is not None
        ]
        return await asyncio.to_thread(
            self.imports.imports, meter_ids, self.deficit_window_intervals
        )

    async def _fund(
        self, agents: Sequence[Agent], holdings: dict[Pubkey, Holdings], report: CycleReport
    ) -> list[Pubkey]:
        assert self.funding is not None
        funding = self.funding

        async def fund(agent: Agent) -> Pubkey | None:
            async with self._slots:
                try:
                    given = await funding.top_up(agent, holdings[agent.owner])
                except Exception as exc:
                    reason = f"funding_{failure_reason(exc)}"
                    report.failures[reason] += 1
                    metrics.FAILURES.labels(reason).inc()
                    _log.warning("funding %s failed: %s", agent.name, exc)
                    return None
            if not given:
                return None
            report.funded += 1
            if given.lamports:
                metrics.FUNDED.labels("sol").inc()
            if given.usdc:
                metrics.FUNDED.labels("usdc").inc()
            return agent.owner

        funded = await asyncio.gather(*(fund(agent) for agent in agents))
        return [owner for owner in funded if owner is not None]

    async def _run(
        self, agent: Agent, actions: Sequence[Action], missing_mints: list[Pubkey]
    ) -> CycleReport:
        report = CycleReport()
        memory = self._memory[agent.owner]
        for action in actions:
            if isinstance(action, PlaceAction):
                # Bumped even if the send fails: a timed-out order may still land.
                memory.highest_order_id = max(memory.highest_order_id, action.order_id)
            async with self._slots:
                try:
                    await self.chain.send(agent, action, missing_mints)
                except Exception as exc:
                    # One agent's failure, whatever it is, must not stop the others' actions.
                    reason = failure_reason(exc)
                    report.failures[reason] += 1
                    metrics.FAILURES.labels(reason).inc()
                    _log.info("%s: %s failed (%s): %s", agent.name, action, reason, exc)
                    continue
            missing_mints = []
            if isinstance(action, PlaceAction):
                side = action.side.name.lower()
                report.placed[side] += 1
                metrics.ORDERS_PLACED.labels(side).inc()
            elif isinstance(action, CancelAction):
                report.cancelled += 1
                metrics.CANCELS.labels(action.reason).inc()
            else:
                assert isinstance(action, ClaimAction)
                report.claimed += 1
                metrics.CLAIMS.inc()
        return report
