"""The simulator's loop: advance the fleet tick by tick, inject faults, publish, persist.

The runner owns one run (:class:`StoredRun`): commands (start, stop, pause, resume, step,
speed, weather, faults, a new scenario) change it under a lock and wake the loop; the loop
(:meth:`Runner.serve`, one thread) publishes each tick when :mod:`.pacing` says it is due.
Per tick: the fleet measures and signs, the fault injector turns the readings into records,
every record goes to Kafka and is flushed, then the position is saved in PostgreSQL, so a
restarted service resumes after the last tick it delivered (at worst repeating that tick, whose
copies ingestion counts as duplicates). Listeners (the WebSocket stream) get a report per tick
and must not block.

Starting a run builds the fleet from its configuration and replays the physics from the run's
start to its position without signing or publishing (the model is deterministic, so the
registers come out exactly as published), then commissions the meters.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from gridtokenx.errors import GridTokenXError
from gridtokenx.simulator.clock import Tick
from gridtokenx.simulator.errors import SimulatorError
from gridtokenx.simulator.faults import FaultInjector, FaultKind, FaultRule, FaultSpec, OutRecord
from gridtokenx.simulator.fleet import Fleet, FleetReadings
from gridtokenx.simulator.grid import GridLedger, GridStatus
from gridtokenx.simulator.pacing import due_ms, pacing_clock
from gridtokenx.simulator.scenario import RunState, Scenario, WeatherChange
from gridtokenx.simulator.steered import SteeredFleet
from gridtokenx.simulator.store import StoredRun
from gridtokenx.simulator.views import MeterView, meter_views
from gridtokenx.telemetry.reading import READING_MESSAGE_LEN

_log = logging.getLogger(__name__)
_IDLE_WAIT_S = 1.0
_ERROR_BACKOFF_S = 1.0
_HONEST = (None, FaultKind.BURST, FaultKind.DUPLICATE)


class SimulatorStateError(SimulatorError):
    """A command the run's current state does not allow (e.g. pause a stopped run)."""


class RecordSink(Protocol):
    """Where records go: :class:`gridtokenx.telemetry.producer.ReadingProducer`."""

    def publish(self, meter_id: bytes, message: bytes, signature: bytes) -> None: ...

    def publish_raw(self, key: bytes | None, value: bytes) -> None: ...

    def flush(self, timeout_s: float = 30.0) -> None: ...


class Commissioner(Protocol):
    """Records a fleet's meters for ingestion (:class:`.commissioning.FleetCommissioner`)."""

    def commission(self, fleet: Fleet, start_ms: int, *, fresh: bool) -> None: ...


class RunStore(Protocol):
    """Keeps the run across restarts (:class:`.store.ScenarioStore`)."""

    def load(self) -> StoredRun | None: ...

    def save(self, run: StoredRun) -> None: ...

    def save_progress(self, state: RunState, position_ms: int) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class TickReport:
    """One published tick: the readings, the records sent for them and the grid after it."""

    readings: FleetReadings
    records: list[OutRecord]
    grid: GridStatus
    meters: list[MeterView]


@dataclass(frozen=True, slots=True, kw_only=True)
class RunStatus:
    run: StoredRun
    ticks_published: int
    records_published: int
    faults_injected: dict[FaultKind, int]
    last_error: str | None


def wall_now_ms() -> int:
    return time.time_ns() // 1_000_000


class Runner:
    def __init__(
        self,
        store: RunStore,
        sink: RecordSink,
        commissioner: Commissioner,
        wall_now: Callable[[], int] = wall_now_ms,
    ) -> None:
        self._store = store
        self._sink = sink
        self._commissioner = commissioner
        self._wall_now = wall_now
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._listeners: list[Callable[[TickReport], None]] = []
        self._run: StoredRun | None = None
        self._fleet: SteeredFleet | None = None
        self._ledger: GridLedger | None = None
        self._injector: FaultInjector | None = None
        self._ticks: Iterator[Tick] = iter(())
        self._next: Tick | None = None
        self._changed = False
        self._closing = False
        self.ticks_published = 0
        self.records_published = 0
        self.last_error: str | None = None

    # --- set-up -------------------------------------------------------------------------------

    def load(self, default: Callable[[], Scenario]) -> StoredRun:
        """The stored run, or a new stopped run of ``default()`` saved as the current one."""
        with self._lock:
            run = self._store.load()
            if run is None:
                scenario = default()
                run = StoredRun(
                    scenario=scenario, state=RunState.STOPPED, position_ms=scenario.start_ms
                )
                self._store.save(run)
            self._run = run
            return run

    def recover(self, autostart: bool) -> StoredRun:
        """After a service (re)start: a run that was running or paused goes on as it was; a
        stopped one starts if ``autostart``; a finished replay stays finished."""
        with self._lock:
            run = self._current()
            if run.state is RunState.STOPPED and autostart:
                return self.start()
            if run.state in (RunState.RUNNING, RunState.PAUSED):
                self._prepare(run)
                return self._set(run, reanchor=True)
            return run

    def add_listener(self, listener: Callable[[TickReport], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    # --- commands -----------------------------------------------------------------------------

    def start(self) -> StoredRun:
        """Start (or continue) the stored run from its position."""
        with self._lock:
            run = self._current()
            if run.state is not RunState.STOPPED:
                raise SimulatorStateError(
                    f"the run is {run.state}; start needs a stopped run " + _hint_for(run.state)
                )
            self._prepare(run)
            return self._set(replace(run, state=RunState.RUNNING), reanchor=True)

    def stop(self) -> StoredRun:
        """End the run where it is; ``start`` continues it from this position later."""
        with self._lock:
            run = self._current()
            if run.state not in (RunState.RUNNING, RunState.PAUSED):
                raise SimulatorStateError(f"the run is already {run.state}")
            self._drop_fleet()
            return self._set(replace(run, state=RunState.STOPPED))

    def pause(self) -> StoredRun:
        with self._lock:
            run = self._current()
            if run.state is not RunState.RUNNING:
                raise SimulatorStateError(f"only a running run pauses; this one is {run.state}")
            return self._set(replace(run, state=RunState.PAUSED))

    def resume(self) -> StoredRun:
        with self._lock:
            run = self._current()
            if run.state is not RunState.PAUSED:
                raise SimulatorStateError(f"only a paused run resumes; this one is {run.state}")
            return self._set(replace(run, state=RunState.RUNNING), reanchor=True)

    def step(self, ticks: int) -> StoredRun:
        """Publish the next ``ticks`` ticks at once (a paused run only)."""
        with self._lock:
            run = self._current()
            if run.state is not RunState.PAUSED:
                raise SimulatorStateError(f"step needs a paused run; this one is {run.state}")
            if ticks < 1:
                raise SimulatorStateError(f"step at least 1 tick, got {ticks}")
            scenario = run.scenario
            last_ms = run.position_ms + ticks * scenario.interval_ms
            if last_ms > self._wall_now():
                raise SimulatorStateError(
                    f"{ticks} ticks would end at {last_ms} ms, after now: a meter cannot report "
                    "the future; step fewer ticks"
                )
            if (
                scenario.end_ms is not None
                and run.position_ms + (ticks - 1) * scenario.interval_ms >= scenario.end_ms
            ):
                raise SimulatorStateError(
                    f"{ticks} ticks go past the replay's end ({scenario.end_ms} ms)"
                )
            self._reanchor()
            for _ in range(ticks):
                self._publish_next()
            return self._current()

    def set_speed(self, speed: float) -> StoredRun:
        """A new acceleration factor, from now on (accelerated and paced replay runs)."""
        with self._lock:
            run = self._current()
            scenario = replace(run.scenario, speed=speed)
            return self._set(replace(run, scenario=scenario), reanchor=True)

    def set_weather(self, cloud_cover_mean: float, cloud_variability: float) -> StoredRun:
        """Clouds from the run's position on (kept with the run, so replays agree)."""
        with self._lock:
            run = self._current()
            change = WeatherChange(
                effective_ms=run.position_ms,
                cloud_cover_mean=cloud_cover_mean,
                cloud_variability=cloud_variability,
            )
            # Validate the values as the fleet model would.
            replace(
                run.scenario.fleet.site,
                cloud_cover_mean=cloud_cover_mean,
                cloud_variability=cloud_variability,
            )
            if self._fleet is not None:
                self._fleet.weather.add(change)
            scenario = replace(run.scenario, weather=(*run.scenario.weather, change))
            return self._set(replace(run, scenario=scenario))

    def configure(self, scenario: Scenario) -> StoredRun:
        """Replace a stopped or finished run by a new one of ``scenario``, from its start."""
        with self._lock:
            run = self._current()
            if run.state not in (RunState.STOPPED, RunState.FINISHED):
                raise SimulatorStateError(
                    f"the run is {run.state}; stop it before changing its scenario"
                )
            self._drop_fleet()
            return self._set(
                StoredRun(scenario=scenario, state=RunState.STOPPED, position_ms=scenario.start_ms)
            )

    def add_fault(self, spec: FaultSpec) -> FaultRule:
        with self._lock:
            return self._require_injector().add(spec)

    def remove_fault(self, rule_id: int) -> None:
        with self._lock:
            self._require_injector().remove(rule_id)

    def fault_rules(self) -> list[FaultRule]:
        with self._lock:
            return [] if self._injector is None else self._injector.rules

    # --- views --------------------------------------------------------------------------------

    def status(self) -> RunStatus:
        with self._lock:
            injected = {} if self._injector is None else dict(self._injector.injected)
            return RunStatus(
                run=self._current(),
                ticks_published=self.ticks_published,
                records_published=self.records_published,
                faults_injected=injected,
                last_error=self.last_error,
            )

    def meters(self) -> list[MeterView]:
        with self._lock:
            fleet, ledger = self._require_fleet()
            assert self._injector is not None
            return meter_views(fleet, ledger, self._injector.last_faults)

    def meter_index(self, meter_id: bytes) -> int:
        with self._lock:
            fleet, _ = self._require_fleet()
            wanted = np.frombuffer(meter_id, dtype=np.uint8)
            found = np.flatnonzero((fleet.meter_ids == wanted).all(axis=1))
            if found.size == 0:
                raise UnknownMeterError("no meter with this id in the simulated fleet")
            return int(found[0])

    def meter_ids(self) -> list[bytes]:
        """The 16-byte ids of the loaded fleet's meters, meter ``i`` at index ``i``."""
        with self._lock:
            fleet, _ = self._require_fleet()
            return [raw.tobytes() for raw in fleet.meter_ids]

    def meter(self, index: int) -> MeterView:
        with self._lock:
            fleet, ledger = self._require_fleet()
            assert self._injector is not None
            return meter_views(fleet, ledger, self._injector.last_faults, range(index, index + 1))[
                0
            ]

    def grid(self) -> GridStatus | None:
        with self._lock:
            _, ledger = self._require_fleet()
            return ledger.status()

    # --- the loop -----------------------------------------------------------------------------

    def advance(self, now_ms: int) -> int | None:
        """Publish the next tick if it is due at ``now_ms``; when the one after is due, or None
        while nothing is scheduled (not running, or a finished replay)."""
        with self._lock:
            due = self._next_due()
            if due is None or due > now_ms:
                return due
            self._publish_next()
            return self._next_due()

    def serve(self) -> None:
        """Drive the run until :meth:`close` (the service runs this in its own thread)."""
        while True:
            with self._lock:
                self._changed = False
            try:
                due = self.advance(self._wall_now())
            except GridTokenXError as exc:
                _log.warning("tick failed: %s; retrying in %.0f s", exc, _ERROR_BACKOFF_S)
                with self._lock:
                    self.last_error = str(exc)
                due = self._wall_now() + round(_ERROR_BACKOFF_S * 1000)
            with self._lock:
                if self._closing:
                    return
                if self._changed:
                    continue
                now = self._wall_now()
                if due is None:
                    self._wake.wait(_IDLE_WAIT_S)
                elif due > now:
                    self._wake.wait((due - now) / 1000)

    def close(self) -> None:
        """Make :meth:`serve` return (the run's stored state is left as it is)."""
        with self._lock:
            self._closing = True
            self._wake.notify_all()

    # --- internals ----------------------------------------------------------------------------

    def _current(self) -> StoredRun:
        if self._run is None:
            raise SimulatorStateError("no run loaded; the service loads one when it starts")
        return self._run

    def _set(self, run: StoredRun, reanchor: bool = False) -> StoredRun:
        self._store.save(run)
        self._run = run
        if reanchor:
            self._reanchor()
        self._changed = True
        self._wake.notify_all()
        return run

    def _reanchor(self) -> None:
        run = self._current()
        scenario = run.scenario
        if scenario.end_ms is not None and run.position_ms >= scenario.end_ms:
            self._ticks, self._next = iter(()), None
            return
        self._ticks = pacing_clock(scenario, run.position_ms, self._wall_now()).ticks()
        self._next = next(self._ticks, None)

    def _next_due(self) -> int | None:
        run = self._current()
        if run.state is not RunState.RUNNING or self._fleet is None:
            return None
        if self._next is None:
            self._set(replace(run, state=RunState.FINISHED))
            return None
        return due_ms(self._next)

    def _prepare(self, run: StoredRun) -> None:
        """Build the fleet at the run's position and commission its meters."""
        scenario = run.scenario
        fleet = SteeredFleet(scenario.fleet, scenario.weather)
        ledger = GridLedger(fleet)
        timestamp_ms = scenario.start_ms
        while timestamp_ms < run.position_ms:
            timestamp_ms += scenario.interval_ms
            ledger.add(fleet.measure(timestamp_ms, scenario.interval_ms))
        self._commissioner.commission(
            fleet, scenario.start_ms, fresh=run.position_ms == scenario.start_ms
        )
        self._fleet, self._ledger = fleet, ledger
        self._injector = FaultInjector(scenario.fleet.seed, fleet.meter_ids)

    def _drop_fleet(self) -> None:
        self._fleet = self._ledger = self._injector = None
        self._ticks, self._next = iter(()), None

    def _publish_next(self) -> None:
        tick = self._next
        fleet, ledger, injector = self._fleet, self._ledger, self._injector
        assert tick is not None, "only called with a tick scheduled"
        assert fleet is not None, "only called with the fleet loaded"
        assert ledger is not None
        assert injector is not None
        readings = fleet.tick(tick.timestamp_ms, tick.interval_ms)
        ledger.add(readings)
        records = injector.apply(readings, self._wall_now())
        for record in records:
            if record.fault in _HONEST:
                body = record.value[1:]
                self._sink.publish(
                    record.key, body[:READING_MESSAGE_LEN], body[READING_MESSAGE_LEN:]
                )
            else:
                self._sink.publish_raw(record.key, record.value)
        self._run = replace(self._current(), position_ms=tick.timestamp_ms)
        self._next = next(self._ticks, None)
        self.ticks_published += 1
        self.records_published += len(records)
        self._sink.flush()
        self._store.save_progress(self._run.state, self._run.position_ms)
        self.last_error = None
        if self._listeners:
            grid = ledger.status()
            assert grid is not None
            report = TickReport(
                readings=readings,
                records=records,
                grid=grid,
                meters=meter_views(fleet, ledger, injector.last_faults),
            )
            for listener in self._listeners:
                listener(report)

    def _require_fleet(self) -> tuple[SteeredFleet, GridLedger]:
        if self._fleet is None or self._ledger is None:
            raise SimulatorStateError(
                "the fleet is not loaded: the run is stopped; start it (POST /v1/run/start)"
            )
        return self._fleet, self._ledger

    def _require_injector(self) -> FaultInjector:
        if self._injector is None:
            raise SimulatorStateError(
                "faults apply to a running or paused run; start it first (POST /v1/run/start)"
            )
        return self._injector


class UnknownMeterError(SimulatorError):
    """A meter id that is not in the simulated fleet."""


def _hint_for(state: RunState) -> str:
    if state is RunState.PAUSED:
        return "(resume a paused run: POST /v1/run/resume)"
    if state is RunState.FINISHED:
        return "(a finished replay needs a new scenario: PUT /v1/scenario)"
    return "(it is running already)"
