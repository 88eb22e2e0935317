"""When ticks are due per mode: pacing from the wall clock, never before a tick has ended."""

from __future__ import annotations

import itertools

import pytest

from gridtokenx.simulator.config import FleetConfig
from gridtokenx.simulator.errors import FleetConfigError
from gridtokenx.simulator.pacing import default_start_ms, due_ms, pacing_clock
from gridtokenx.simulator.scenario import RunMode, Scenario

NOW_MS = 1_790_000_040_000  # on a whole minute
MINUTE_MS = 60_000
DAY_MS = 86_400_000


def _scenario(mode: RunMode, **changes: object) -> Scenario:
    values: dict[str, object] = {
        "fleet": FleetConfig(meter_count=3),
        "mode": mode,
        "speed": 60.0,
        "interval_ms": MINUTE_MS,
        "start_ms": NOW_MS - DAY_MS,
    }
    values.update(changes)
    return Scenario(**values)  # type: ignore[arg-type]


def _dues(scenario: Scenario, position_ms: int, count: int) -> list[tuple[int, int]]:
    ticks = pacing_clock(scenario, position_ms, NOW_MS).ticks()
    return [(tick.timestamp_ms, due_ms(tick)) for tick in itertools.islice(ticks, count)]


def test_real_time_ticks_are_due_when_their_interval_ends() -> None:
    position = NOW_MS - 2 * MINUTE_MS
    assert _dues(_scenario(RunMode.REALTIME), position, 3) == [
        (position + MINUTE_MS, position + MINUTE_MS),
        (position + 2 * MINUTE_MS, position + 2 * MINUTE_MS),
        (position + 3 * MINUTE_MS, position + 3 * MINUTE_MS),
    ]


def test_accelerated_ticks_come_speed_times_faster_from_the_anchor() -> None:
    position = NOW_MS - DAY_MS
    dues = _dues(_scenario(RunMode.ACCELERATED, speed=60.0), position, 3)
    # One simulated minute per wall second.
    assert dues == [(position + k * MINUTE_MS, NOW_MS + k * 1000) for k in (1, 2, 3)]


def test_accelerated_run_never_gets_ahead_of_the_wall_clock() -> None:
    position = NOW_MS - MINUTE_MS
    dues = _dues(_scenario(RunMode.ACCELERATED, speed=1000.0), position, 3)
    # The first tick ended already (due after 60 ms at this speed); later ones when they end.
    assert dues == [(NOW_MS, NOW_MS + 60), (NOW_MS + MINUTE_MS,) * 2, (NOW_MS + 2 * MINUTE_MS,) * 2]


def test_unpaced_replay_is_due_at_once_and_ends() -> None:
    start = NOW_MS - DAY_MS
    scenario = _scenario(RunMode.REPLAY, start_ms=start, end_ms=start + 3 * MINUTE_MS)
    assert _dues(scenario, start, 10) == [(start + k * MINUTE_MS,) * 2 for k in (1, 2, 3)]


def test_paced_replay_follows_its_speed() -> None:
    start = NOW_MS - DAY_MS
    scenario = _scenario(
        RunMode.REPLAY, start_ms=start, end_ms=start + 2 * MINUTE_MS, paced=True, speed=120.0
    )
    assert _dues(scenario, start, 10) == [
        (start + MINUTE_MS, NOW_MS + 500),
        (start + 2 * MINUTE_MS, NOW_MS + 1000),
    ]


def test_default_starts_are_whole_intervals() -> None:
    assert default_start_ms(RunMode.REALTIME, NOW_MS + 7, MINUTE_MS, DAY_MS) == NOW_MS
    assert default_start_ms(RunMode.ACCELERATED, NOW_MS + 7, MINUTE_MS, DAY_MS) == NOW_MS - DAY_MS


@pytest.mark.parametrize(
    "changes",
    [
        {"mode": RunMode.REPLAY},
        {"mode": RunMode.REPLAY, "end_ms": NOW_MS - DAY_MS},
        {"end_ms": NOW_MS},
        {"speed": 0.0},
        {"speed": float("inf")},
        {"interval_ms": 0},
    ],
)
def test_inconsistent_scenarios_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(FleetConfigError):
        _scenario(changes.pop("mode", RunMode.ACCELERATED), **changes)  # type: ignore[arg-type]
