"""In-memory stand-ins for the runner's I/O, for unit tests of pacing, modes and faults."""

from __future__ import annotations

from dataclasses import dataclass, field

from gridtokenx.simulator.fleet import Fleet
from gridtokenx.simulator.scenario import RunState
from gridtokenx.simulator.store import StoredRun
from gridtokenx.telemetry.envelope import encode_envelope


@dataclass
class FakeClock:
    now_ms: int

    def __call__(self) -> int:
        return self.now_ms


@dataclass
class MemorySink:
    """Records in publishing order; ``flushed`` counts the records delivered by each flush."""

    records: list[tuple[bytes | None, bytes]] = field(default_factory=list)
    flushed: list[int] = field(default_factory=list)

    def publish(self, meter_id: bytes, message: bytes, signature: bytes) -> None:
        self.records.append((meter_id, encode_envelope(message, signature)))

    def publish_raw(self, key: bytes | None, value: bytes) -> None:
        self.records.append((key, value))

    def flush(self, timeout_s: float = 30.0) -> None:
        self.flushed.append(len(self.records))


@dataclass
class MemoryStore:
    run: StoredRun | None = None
    saves: int = 0

    def load(self) -> StoredRun | None:
        return self.run

    def save(self, run: StoredRun) -> None:
        self.run = run
        self.saves += 1

    def save_progress(self, state: RunState, position_ms: int) -> None:
        assert self.run is not None
        self.run = StoredRun(scenario=self.run.scenario, state=state, position_ms=position_ms)


@dataclass
class MemoryCommissioner:
    calls: list[tuple[int, int, bool]] = field(default_factory=list)
    """(meter count, start_ms, fresh) per call."""

    def commission(self, fleet: Fleet, start_ms: int, *, fresh: bool) -> None:
        self.calls.append((fleet.config.meter_count, start_ms, fresh))
