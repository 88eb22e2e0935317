"""Time one simulator tick (physics, registers, encoding, Ed25519 signing): 100k and 1M meters.

Each size: build the fleet (key derivation included, reported apart), run warm-up ticks, then time
several one-minute ticks around local noon (PV, batteries and clouds all active) and report medians
of the whole tick and of its two halves, ``Fleet.measure`` (physics, registers, encoding) and
``Fleet.sign``. The native signer's per-signature cost is also measured on one thread. Ends with the
summary line ``simulator tick_100k_s=<n> tick_1m_s=<n>``; targets are 1.0 s and 10 s.

Run from the repository root: ``.venv/bin/python bench/simulator.py``.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version

from gridtokenx.simulator import Fleet, FleetConfig, MeterKeyring
from gridtokenx.telemetry import READING_MESSAGE_LEN

MONDAY_NOON_BANGKOK_MS = 1_772_427_600_000  # 2026-03-02T12:00+07:00
TICK_MS = 60_000
SIGNING_THREADS = 2
SINGLE_THREAD_SAMPLE = 20_000


@dataclass(frozen=True)
class SizeResult:
    meter_count: int
    build_s: float
    measure_s: float
    sign_s: float
    tick_s: float


def measure(meter_count: int, warmup_ticks: int, timed_ticks: int) -> SizeResult:
    """Median durations of ``timed_ticks`` ticks; a tick is ``Fleet.measure`` + ``Fleet.sign``."""
    started = time.perf_counter()
    fleet = Fleet(FleetConfig(meter_count=meter_count, seed=1, signing_threads=SIGNING_THREADS))
    build_s = time.perf_counter() - started
    timestamp_ms = MONDAY_NOON_BANGKOK_MS
    measure_s, sign_s, tick_s = [], [], []
    for index in range(warmup_ticks + timed_ticks):
        timestamp_ms += TICK_MS
        started = time.perf_counter()
        measurement = fleet.measure(timestamp_ms, TICK_MS)
        measured = time.perf_counter()
        fleet.sign(measurement)
        signed = time.perf_counter()
        if index >= warmup_ticks:
            measure_s.append(measured - started)
            sign_s.append(signed - measured)
            tick_s.append(signed - started)
    return SizeResult(
        meter_count=meter_count,
        build_s=build_s,
        measure_s=statistics.median(measure_s),
        sign_s=statistics.median(sign_s),
        tick_s=statistics.median(tick_s),
    )


def single_thread_signature_us() -> float:
    keyring = MeterKeyring(2, SINGLE_THREAD_SAMPLE, threads=1)
    messages = os.urandom(SINGLE_THREAD_SAMPLE * READING_MESSAGE_LEN)
    started = time.perf_counter()
    keyring.sign(messages, READING_MESSAGE_LEN)
    return (time.perf_counter() - started) / SINGLE_THREAD_SAMPLE * 1e6


def main() -> None:
    print(f"date: {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(
        f"machine: {platform.node()} ({os.cpu_count()} cores, {platform.machine()}), "
        f"Python {platform.python_version()}, numpy {version('numpy')}, pvlib {version('pvlib')}"
    )
    per_signature_us = single_thread_signature_us()
    print(f"native Ed25519 signer, one thread: {per_signature_us:.1f} us per signature")
    results = [measure(100_000, warmup_ticks=2, timed_ticks=5), measure(1_000_000, 1, 3)]
    for result in results:
        print(
            f"{result.meter_count:>9,} meters: build {result.build_s:6.2f} s (keys included); "
            f"tick median {result.tick_s:6.3f} s: measure {result.measure_s:6.3f} s, "
            f"sign {result.sign_s:6.3f} s ({result.sign_s / result.tick_s:.0%} of the tick, "
            f"{SIGNING_THREADS} threads, {result.sign_s / result.meter_count * 1e6:.1f} us/meter)"
        )
    tick_100k, tick_1m = (result.tick_s for result in results)
    print(f"simulator tick_100k_s={tick_100k:.3f} tick_1m_s={tick_1m:.3f}")


if __name__ == "__main__":
    main()
