"""Clock modes: real time, accelerated and replay produce tiling ticks and pacing."""

from __future__ import annotations

from itertools import islice, pairwise

import pytest

from gridtokenx.simulator import FleetConfigError, SimulationClock

DAY_MS = 86_400_000


def test_real_time_aligns_to_the_interval_and_publishes_when_it_ends() -> None:
    clock = SimulationClock.real_time(wall_start_ms=1_000_123, interval_ms=1_000)
    ticks = list(islice(clock.ticks(), 3))
    assert [t.timestamp_ms for t in ticks] == [1_002_000, 1_003_000, 1_004_000]
    assert [t.wall_due_ms for t in ticks] == [1_002_000, 1_003_000, 1_004_000]
    assert ticks[0].dt_s == 1.0


def test_accelerated_plays_a_day_in_a_minute() -> None:
    clock = SimulationClock.accelerated(
        start_ms=5 * DAY_MS, interval_ms=60_000, speedup=1_440, wall_start_ms=7_000
    )
    ticks = list(islice(clock.ticks(), 1_440))
    assert ticks[-1].timestamp_ms == 6 * DAY_MS
    assert ticks[-1].wall_due_ms == 7_000 + 60_000
    assert all(b.timestamp_ms - a.timestamp_ms == 60_000 for a, b in pairwise(ticks))


def test_replay_covers_the_range_without_pacing() -> None:
    clock = SimulationClock.replay(start_ms=DAY_MS, end_ms=2 * DAY_MS, interval_ms=900_000)
    ticks = list(clock.ticks())
    assert len(ticks) == 96
    assert ticks[0].timestamp_ms == DAY_MS + 900_000
    assert ticks[-1].timestamp_ms == 2 * DAY_MS
    assert all(t.wall_due_ms is None for t in ticks)


@pytest.mark.parametrize(
    "make",
    [
        lambda: SimulationClock.replay(start_ms=10, end_ms=10, interval_ms=1),
        lambda: SimulationClock.replay(start_ms=0, end_ms=10, interval_ms=0),
        lambda: SimulationClock.replay(start_ms=0, end_ms=10**9, interval_ms=3_600_001),
        lambda: SimulationClock.replay(start_ms=-1, end_ms=10, interval_ms=1),
        lambda: SimulationClock.accelerated(
            start_ms=0, interval_ms=1_000, speedup=0, wall_start_ms=0
        ),
        # Found by schemathesis: a denormal speed made the next wall time infinite.
        lambda: SimulationClock.accelerated(
            start_ms=0, interval_ms=1_000, speedup=5e-324, wall_start_ms=0
        ),
        lambda: SimulationClock.accelerated(
            start_ms=0, interval_ms=1_000, speedup=2e6, wall_start_ms=0
        ),
    ],
)
def test_bad_clocks_are_refused(make: object) -> None:
    assert callable(make)
    with pytest.raises(FleetConfigError):
        make()
