"""Simulated days shared by the simulator tests (built once per session by conftest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from gridtokenx.simulator import Fleet, FleetConfig, FleetReadings, SimulationClock

BANGKOK_UTC_OFFSET_MS = 7 * 3_600_000
MS_PER_DAY = 86_400_000
DAY_TICK_MS = 900_000  # 15-minute ticks: 96 per day


def local_midnight_ms(year: int, month: int, day: int) -> int:
    """Unix ms of local midnight in Bangkok (UTC+7, the default site)."""
    return int(datetime(year, month, day, tzinfo=UTC).timestamp()) * 1000 - BANGKOK_UTC_OFFSET_MS


MONDAY_MS = local_midnight_ms(2026, 3, 2)
SATURDAY_MS = local_midnight_ms(2026, 3, 7)


@dataclass(frozen=True)
class SimulatedDay:
    """A fleet and every tick of one local day, in order."""

    fleet: Fleet
    ticks: list[FleetReadings]


def simulate_day(config: FleetConfig, day_start_ms: int) -> SimulatedDay:
    """Run ``config``'s fleet over the local day starting at ``day_start_ms``."""
    fleet = Fleet(config)
    clock = SimulationClock.replay(
        start_ms=day_start_ms, end_ms=day_start_ms + MS_PER_DAY, interval_ms=DAY_TICK_MS
    )
    return SimulatedDay(
        fleet=fleet,
        ticks=[fleet.tick(tick.timestamp_ms, tick.interval_ms) for tick in clock.ticks()],
    )


def day_total_wh(day: SimulatedDay, flow: str) -> npt.NDArray[np.float64]:
    """Each meter's total of the energy flow named ``flow`` (a FleetReadings field) over the day."""
    total: npt.NDArray[np.float64] = np.sum([getattr(tick, flow) for tick in day.ticks], axis=0)
    return total
