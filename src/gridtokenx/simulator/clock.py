"""When ticks happen: real time, accelerated, or replay of a date range (pure, reads no clock).

A :class:`SimulationClock` yields :class:`Tick` s: the simulated interval each tick meters and
the wall-clock instant the driving loop should publish it at (``None`` in replay: as fast as
the consumer keeps up). The loop that sleeps and publishes lives with the I/O code; it passes
in the wall-clock start, so this module never reads a clock.

- real time: simulated time is wall time; a tick every ``interval_ms``.
- accelerated: simulated time runs ``speedup`` times faster from a chosen instant (1,440 plays a
  day in a minute); each tick still meters ``interval_ms`` of simulated time.
- replay: the ticks of ``[start_ms, end_ms)`` back to back with no wall-clock pacing.

Ticks tile simulated time: each starts where the previous ended.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from gridtokenx.simulator.errors import FleetConfigError

MAX_TICK_INTERVAL_MS = 3_600_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Tick:
    """One metering interval ``(timestamp_ms - interval_ms, timestamp_ms]`` of simulated time.

    ``wall_due_ms`` is when to publish it (unix ms of the wall clock), or None to publish at once.
    """

    timestamp_ms: int
    interval_ms: int
    wall_due_ms: int | None

    @property
    def dt_s(self) -> float:
        """The interval in seconds."""
        return self.interval_ms / 1000


MIN_SPEEDUP = 0.001
"""The slowest pace: one simulated second per ~17 wall minutes (slower ones make wall times
overflow, and nobody watches a meter that slowly)."""
MAX_SPEEDUP = 1_000_000.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationClock:
    """Ticks of ``interval_ms`` of simulated time from ``start_ms``; build with the factories."""

    start_ms: int
    interval_ms: int
    end_ms: int | None
    wall_start_ms: int | None
    speedup: float

    def __post_init__(self) -> None:
        if not 0 < self.interval_ms <= MAX_TICK_INTERVAL_MS:
            raise FleetConfigError(
                f"tick interval_ms={self.interval_ms} must be in 1..{MAX_TICK_INTERVAL_MS} "
                "(at most an hour, so that profiles and sessions are sampled finely enough)"
            )
        if self.start_ms < 0:
            raise FleetConfigError(f"start_ms={self.start_ms} is before 1970; use unix ms")
        if self.end_ms is not None and self.end_ms <= self.start_ms:
            raise FleetConfigError(
                f"replay end_ms={self.end_ms} must be after start_ms={self.start_ms}"
            )
        if not MIN_SPEEDUP <= self.speedup <= MAX_SPEEDUP:
            raise FleetConfigError(
                f"speedup must be in {MIN_SPEEDUP}..{MAX_SPEEDUP} simulated seconds per wall "
                f"second, got {self.speedup}"
            )

    @classmethod
    def real_time(cls, *, wall_start_ms: int, interval_ms: int) -> SimulationClock:
        """Simulated time is wall time, from the first whole interval after ``wall_start_ms``."""
        aligned_ms = -(-wall_start_ms // interval_ms) * interval_ms
        return cls(
            start_ms=aligned_ms,
            interval_ms=interval_ms,
            end_ms=None,
            wall_start_ms=aligned_ms,
            speedup=1.0,
        )

    @classmethod
    def accelerated(
        cls, *, start_ms: int, interval_ms: int, speedup: float, wall_start_ms: int
    ) -> SimulationClock:
        """Simulated time from ``start_ms``, ``speedup`` times faster than the wall clock."""
        return cls(
            start_ms=start_ms,
            interval_ms=interval_ms,
            end_ms=None,
            wall_start_ms=wall_start_ms,
            speedup=speedup,
        )

    @classmethod
    def replay(cls, *, start_ms: int, end_ms: int, interval_ms: int) -> SimulationClock:
        """Every tick of ``[start_ms, end_ms)`` with no pacing; the last may end past ``end_ms``."""
        return cls(
            start_ms=start_ms,
            interval_ms=interval_ms,
            end_ms=end_ms,
            wall_start_ms=None,
            speedup=1.0,
        )

    def ticks(self) -> Iterator[Tick]:
        """The ticks in order; endless unless this is a replay."""
        index = 1
        while self.end_ms is None or self.start_ms + (index - 1) * self.interval_ms < self.end_ms:
            elapsed_ms = index * self.interval_ms
            wall_due_ms = (
                None
                if self.wall_start_ms is None
                else self.wall_start_ms + round(elapsed_ms / self.speedup)
            )
            yield Tick(
                timestamp_ms=self.start_ms + elapsed_ms,
                interval_ms=self.interval_ms,
                wall_due_ms=wall_due_ms,
            )
            index += 1
