"""When a run's next ticks are due on the wall clock, per mode (pure).

Each (re)start, resume or speed change builds a new :class:`SimulationClock` from the run's
position and the wall-clock instant, so a pause or a new speed never makes a catch-up burst.
Whatever the mode, a tick is never due before its interval has ended in wall time: a meter
cannot report the future (ingestion would reject it), so an accelerated run that catches up
with the present continues in real time.
"""

from __future__ import annotations

from gridtokenx.simulator.clock import SimulationClock, Tick
from gridtokenx.simulator.scenario import RunMode, Scenario


def pacing_clock(scenario: Scenario, position_ms: int, wall_now_ms: int) -> SimulationClock:
    """The ticks after ``position_ms``, paced from ``wall_now_ms``."""
    interval_ms = scenario.interval_ms
    if scenario.mode is RunMode.REALTIME:
        return SimulationClock.accelerated(
            start_ms=position_ms, interval_ms=interval_ms, speedup=1.0, wall_start_ms=position_ms
        )
    if scenario.mode is RunMode.ACCELERATED:
        return SimulationClock.accelerated(
            start_ms=position_ms,
            interval_ms=interval_ms,
            speedup=scenario.speed,
            wall_start_ms=wall_now_ms,
        )
    assert scenario.end_ms is not None, "a replay scenario has an end"
    if not scenario.paced:
        return SimulationClock.replay(
            start_ms=position_ms, end_ms=scenario.end_ms, interval_ms=interval_ms
        )
    return SimulationClock(
        start_ms=position_ms,
        interval_ms=interval_ms,
        end_ms=scenario.end_ms,
        wall_start_ms=wall_now_ms,
        speedup=scenario.speed,
    )


def due_ms(tick: Tick) -> int:
    """The wall-clock instant to publish ``tick``: its pacing, but never before it ends."""
    if tick.wall_due_ms is None:
        return tick.timestamp_ms
    return max(tick.wall_due_ms, tick.timestamp_ms)


def default_start_ms(mode: RunMode, wall_now_ms: int, interval_ms: int, lookback_ms: int) -> int:
    """Where a new run starts: now (real time) or ``lookback_ms`` ago, on a whole interval."""
    back_ms = 0 if mode is RunMode.REALTIME else lookback_ms
    return (wall_now_ms - back_ms) // interval_ms * interval_ms


_DAY_MS = 86_400_000
_HOUR_MS = 3_600_000
DEMO_DAWN_LOCAL_H = 6


def local_dawn_at_or_before(instant_ms: int, utc_offset_h: float, interval_ms: int) -> int:
    """The latest 06:00 site-local time at or before ``instant_ms``, on a whole interval: a
    demo run that starts there shows sunlight, export and minted GXT within its first hours."""
    offset_ms = round(utc_offset_h * _HOUR_MS)
    dawn_ms = DEMO_DAWN_LOCAL_H * _HOUR_MS
    local_ms = instant_ms + offset_ms
    dawn_local_ms = (local_ms - dawn_ms) // _DAY_MS * _DAY_MS + dawn_ms
    return (dawn_local_ms - offset_ms) // interval_ms * interval_ms
