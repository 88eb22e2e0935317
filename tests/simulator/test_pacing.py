"""When ticks are due per mode: pacing from the wall clock, never before a tick has ended."""

from __future__ import annotations

import itertools

import pytest

from gridtokenx.simulator.config import FleetConfig
from gridtokenx.simulator.errors import FleetConfigError
from gridtokenx.simulator.pacing import (
    default_start_ms,
    due_ms,
    local_dawn_at_or_before,
    pacing_clock,
)
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


def test_demo_runs_start_at_the_sites_dawn() -> None:
    hour_ms = 3_600_000
    # 2026-11-23 20:30 UTC is 03:30 on the 24th in Bangkok (UTC+7): the dawn before is 06:00
    # local on the 23rd, which is 2026-11-22 23:00 UTC.
    instant_ms = 1_795_465_800_000
    dawn_ms = local_dawn_at_or_before(instant_ms, 7.0, 60_000)
    assert dawn_ms == 1_795_388_400_000
    assert (dawn_ms + 7 * hour_ms) % (24 * hour_ms) == 6 * hour_ms
    assert 0 <= instant_ms - dawn_ms < 24 * hour_ms
    assert local_dawn_at_or_before(dawn_ms, 7.0, 60_000) == dawn_ms
    assert local_dawn_at_or_before(dawn_ms, -5.5, 900_000) % 900_000 == 0
