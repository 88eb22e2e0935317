"""What the simulator service runs: a fleet, a mode, a speed and a sky, stored as JSON (pure).

A *run* starts at ``start_ms`` (when its meters are commissioned, with zero registers) and its
position advances tick by tick; the fleet's state at any position follows from the scenario
alone (the model is deterministic), which is how a restarted service resumes a run.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from gridtokenx.simulator.clock import MAX_TICK_INTERVAL_MS
from gridtokenx.simulator.config import FleetConfig, KindMix, SiteConfig, TopologyConfig
from gridtokenx.simulator.errors import FleetConfigError


class RunMode(StrEnum):
    REALTIME = "realtime"
    """Simulated time is wall time; a run behind the clock catches up at once."""
    ACCELERATED = "accelerated"
    """``speed`` simulated seconds per wall second, never ahead of the wall clock."""
    REPLAY = "replay"
    """The ticks of ``[start_ms, end_ms)``: as fast as the pipeline takes, or paced at ``speed``."""


class RunState(StrEnum):
    STOPPED = "stopped"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    """A replay that reached its end."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WeatherChange:
    """From ``effective_ms`` (simulated time) on, clouds follow these site settings."""

    effective_ms: int
    cloud_cover_mean: float
    cloud_variability: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """One run's settings; ``weather`` lists the cloud changes made during the run, in order."""

    fleet: FleetConfig
    mode: RunMode
    speed: float
    interval_ms: int
    start_ms: int
    end_ms: int | None = None
    paced: bool = False
    weather: tuple[WeatherChange, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.speed) and self.speed > 0):
            raise FleetConfigError(f"speed must be a finite factor > 0, got {self.speed}")
        if not 0 < self.interval_ms <= MAX_TICK_INTERVAL_MS:
            raise FleetConfigError(
                f"interval_ms={self.interval_ms} must be in 1..{MAX_TICK_INTERVAL_MS}"
            )
        if self.start_ms < 0:
            raise FleetConfigError(f"start_ms={self.start_ms} is before 1970; use unix ms")
        if self.mode is RunMode.REPLAY:
            if self.end_ms is None or self.end_ms <= self.start_ms:
                raise FleetConfigError(
                    f"a replay needs end_ms after start_ms={self.start_ms}, got {self.end_ms}"
                )
        elif self.end_ms is not None:
            raise FleetConfigError(f"end_ms applies to replays only, not to {self.mode} runs")


def fleet_config_to_json(config: FleetConfig) -> dict[str, Any]:
    """``config`` as plain JSON values (nested objects for the mix, site and topology)."""
    return asdict(config)


def fleet_config_from_json(document: dict[str, Any]) -> FleetConfig:
    """The inverse of :func:`fleet_config_to_json`; missing fields take their defaults."""
    values = dict(document)
    return FleetConfig(
        **{k: v for k, v in values.items() if k not in ("mix", "site", "topology")},
        mix=KindMix(**values.get("mix", {})),
        site=SiteConfig(**values.get("site", {})),
        topology=TopologyConfig(**values.get("topology", {})),
    )


def weather_to_json(changes: tuple[WeatherChange, ...]) -> list[dict[str, Any]]:
    return [asdict(change) for change in changes]


def weather_from_json(document: list[dict[str, Any]]) -> tuple[WeatherChange, ...]:
    return tuple(WeatherChange(**change) for change in document)
