"""The runner's modes, pacing and commands with a fake clock and in-memory I/O."""

from __future__ import annotations

import pytest

from gridtokenx.simulator.config import FleetConfig
from gridtokenx.simulator.faults import FaultKind, FaultSpec
from gridtokenx.simulator.runner import Runner, SimulatorStateError
from gridtokenx.simulator.scenario import RunMode, RunState, Scenario
from gridtokenx.simulator.steered import SteeredFleet
from gridtokenx.telemetry.envelope import encode_envelope
from gridtokenx.telemetry.reading import decode_reading
from tests.simulator.fakes import FakeClock, MemoryCommissioner, MemorySink, MemoryStore

NOW_MS = 1_790_000_040_000
MINUTE_MS = 60_000
DAY_MS = 86_400_000
METERS = 4


def _scenario(mode: RunMode = RunMode.ACCELERATED, **changes: object) -> Scenario:
    values: dict[str, object] = {
        "fleet": FleetConfig(meter_count=METERS, seed=21),
        "mode": mode,
        "speed": 60.0,
        "interval_ms": MINUTE_MS,
        "start_ms": NOW_MS - DAY_MS,
    }
    values.update(changes)
    return Scenario(**values)  # type: ignore[arg-type]


class Rig:
    def __init__(self, scenario: Scenario, store: MemoryStore | None = None) -> None:
        self.clock = FakeClock(NOW_MS)
        self.sink = MemorySink()
        self.store = store or MemoryStore()
        self.commissioner = MemoryCommissioner()
        self.runner = Runner(self.store, self.sink, self.commissioner, self.clock)
        self.runner.load(lambda: scenario)

    def timestamps(self) -> list[int]:
        return sorted({decode_reading(value[1:57]).timestamp_ms for _, value in self.sink.records})

    def run_until(self, wall_ms: int) -> None:
        """Drive the runner as its loop would, with the clock jumping to each due instant."""
        while True:
            due = self.runner.advance(self.clock.now_ms)
            if due is None or due > wall_ms:
                self.clock.now_ms = wall_ms
                self.runner.advance(wall_ms)
                return
            self.clock.now_ms = max(self.clock.now_ms, due)


def test_accelerated_run_publishes_one_tick_per_due_instant_and_flushes_each() -> None:
    rig = Rig(_scenario())
    rig.runner.start()
    assert rig.commissioner.calls == [(METERS, NOW_MS - DAY_MS, True)]
    assert rig.runner.advance(NOW_MS) == NOW_MS + 1000
    assert rig.sink.records == []
    rig.run_until(NOW_MS + 5_500)
    start = NOW_MS - DAY_MS
    assert rig.timestamps() == [start + k * MINUTE_MS for k in range(1, 6)]
    assert rig.sink.flushed == [METERS * k for k in range(1, 6)]
    assert rig.store.run is not None
    assert rig.store.run.position_ms == start + 5 * MINUTE_MS


def test_pause_stops_publishing_and_resume_does_not_catch_up() -> None:
    rig = Rig(_scenario())
    rig.runner.start()
    rig.run_until(NOW_MS + 2_000)
    rig.runner.pause()
    assert rig.runner.advance(NOW_MS + 60_000) is None
    rig.clock.now_ms = NOW_MS + 60_000
    rig.runner.resume()
    rig.run_until(NOW_MS + 61_000)
    # Two ticks before the pause, one in the second after resuming: no burst for the pause.
    assert len(rig.timestamps()) == 3


def test_speed_changes_the_pace_from_now_on() -> None:
    rig = Rig(_scenario())
    rig.runner.start()
    rig.runner.set_speed(600.0)
    rig.run_until(NOW_MS + 1_000)
    assert len(rig.timestamps()) == 10


def test_step_publishes_ticks_at_once_but_never_the_future() -> None:
    rig = Rig(_scenario(RunMode.REALTIME, start_ms=NOW_MS - 3 * MINUTE_MS))
    rig.runner.start()
    rig.runner.pause()
    rig.runner.step(2)
    assert rig.timestamps() == [NOW_MS - 2 * MINUTE_MS, NOW_MS - MINUTE_MS]
    with pytest.raises(SimulatorStateError, match="cannot report the future"):
        rig.runner.step(2)
    rig.runner.step(1)
    assert rig.timestamps()[-1] == NOW_MS


def test_real_time_catches_up_then_waits_for_each_interval() -> None:
    rig = Rig(_scenario(RunMode.REALTIME, start_ms=NOW_MS - 3 * MINUTE_MS))
    rig.runner.start()
    rig.run_until(NOW_MS)
    assert rig.timestamps() == [NOW_MS - 2 * MINUTE_MS, NOW_MS - MINUTE_MS, NOW_MS]
    assert rig.runner.advance(NOW_MS) == NOW_MS + MINUTE_MS


def test_replay_runs_its_range_as_fast_as_taken_then_finishes() -> None:
    start = NOW_MS - DAY_MS
    rig = Rig(_scenario(RunMode.REPLAY, start_ms=start, end_ms=start + 30 * MINUTE_MS))
    rig.runner.start()
    rig.run_until(NOW_MS)
    assert rig.timestamps() == [start + k * MINUTE_MS for k in range(1, 31)]
    assert rig.runner.status().run.state is RunState.FINISHED
    with pytest.raises(SimulatorStateError, match="new scenario"):
        rig.runner.start()


def test_commands_refuse_the_wrong_state_with_a_hint() -> None:
    rig = Rig(_scenario())
    with pytest.raises(SimulatorStateError, match="only a running run pauses"):
        rig.runner.pause()
    with pytest.raises(SimulatorStateError, match="start it first"):
        rig.runner.add_fault(FaultSpec(kind=FaultKind.OFFLINE, ticks=1, share=0.5))
    rig.runner.start()
    with pytest.raises(SimulatorStateError, match="stop it before"):
        rig.runner.configure(_scenario())
    with pytest.raises(SimulatorStateError, match="running already"):
        rig.runner.start()


def test_a_restarted_runner_resumes_with_exactly_the_registers_it_would_have_had() -> None:
    continuous = Rig(_scenario())
    continuous.runner.start()
    continuous.run_until(NOW_MS + 6_000)

    first = Rig(_scenario())
    first.runner.start()
    first.runner.set_weather(0.9, 0.0)  # a weather change is part of the run, replayed too
    first.run_until(NOW_MS + 3_000)
    second = Rig(_scenario(), store=first.store)
    assert second.runner.status().run.state is RunState.RUNNING
    second.runner.recover(autostart=False)
    assert second.commissioner.calls == [(METERS, NOW_MS - DAY_MS, False)]
    second.run_until(NOW_MS + 3_000)

    # Same ticks after the restart as in one go with the same weather change.
    reference = SteeredFleet(_scenario().fleet)
    assert first.store.run is not None
    reference.weather.add(first.store.run.scenario.weather[0])
    expected = []
    for k in range(1, 7):
        readings = reference.tick(NOW_MS - DAY_MS + k * MINUTE_MS, MINUTE_MS)
        expected += [
            (
                reference.meter_ids[i].tobytes(),
                encode_envelope(
                    readings.messages[56 * i : 56 * (i + 1)],
                    readings.signatures[64 * i : 64 * (i + 1)],
                ),
            )
            for i in range(METERS)
        ]
    assert first.sink.records + second.sink.records == expected
    assert continuous.sink.records[: 3 * METERS] == expected[: 3 * METERS]
    change_s = (NOW_MS - DAY_MS) / 1000
    assert (reference.weather.cloud_cover(change_s + 60) == 0.9).all()
    assert not (reference.weather.cloud_cover(change_s - 60) == 0.9).all()


def test_a_new_scenario_is_a_new_stopped_run_from_its_start() -> None:
    rig = Rig(_scenario())
    rig.runner.start()
    rig.run_until(NOW_MS + 2_000)
    rig.runner.stop()
    new = _scenario(RunMode.REALTIME, start_ms=NOW_MS, fleet=FleetConfig(meter_count=2, seed=22))
    run = rig.runner.configure(new)
    assert (run.state, run.position_ms) == (RunState.STOPPED, NOW_MS)
    rig.runner.start()
    assert rig.commissioner.calls[-1] == (2, NOW_MS, True)


def test_autostart_starts_a_stopped_run_and_leaves_a_paused_one_paused() -> None:
    rig = Rig(_scenario())
    assert rig.runner.recover(autostart=True).state is RunState.RUNNING
    rig.runner.pause()
    again = Rig(_scenario(), store=rig.store)
    assert again.runner.recover(autostart=True).state is RunState.PAUSED
    assert again.runner.advance(NOW_MS + DAY_MS) is None
