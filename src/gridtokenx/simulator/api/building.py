"""New scenarios from API requests, filling in the defaults (seed, start, end)."""

from __future__ import annotations

from gridtokenx.simulator.api.context import ScenarioDefaults
from gridtokenx.simulator.api.models import KindMixBody
from gridtokenx.simulator.config import SEED_MAX, FleetConfig, KindMix
from gridtokenx.simulator.pacing import default_start_ms
from gridtokenx.simulator.scenario import RunMode, Scenario


def next_seed(current: Scenario, seed: int | None) -> int:
    """``seed``, or the current seed + 1 (new meter ids that cannot clash with the current)."""
    return seed if seed is not None else (current.fleet.seed + 1) % (SEED_MAX + 1)


def new_scenario(
    current: Scenario,
    defaults: ScenarioDefaults,
    now_ms: int,
    *,
    meter_count: int,
    mix: KindMixBody,
    seed: int | None,
    mode: RunMode,
    speed: float,
    interval_ms: int,
    start_ms: int | None = None,
    end_ms: int | None = None,
    paced: bool = False,
) -> Scenario:
    """A scenario for a new run; the fleet keeps the current site, topology and threads."""
    fleet = FleetConfig(
        meter_count=meter_count,
        seed=next_seed(current, seed),
        mix=KindMix(**mix.model_dump()),
        site=current.fleet.site,
        topology=current.fleet.topology,
        commercial_share=current.fleet.commercial_share,
        signing_threads=current.fleet.signing_threads,
    )
    start = (
        start_ms
        if start_ms is not None
        else default_start_ms(mode, now_ms, interval_ms, defaults.lookback_ms)
    )
    end = end_ms if end_ms is not None or mode is not RunMode.REPLAY else now_ms
    return Scenario(
        fleet=fleet,
        mode=mode,
        speed=speed,
        interval_ms=interval_ms,
        start_ms=start,
        end_ms=end,
        paced=paced,
    )
