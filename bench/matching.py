"""Throughput and latency of the pure matching core on one CPU, on a realistic order flow.

Setup: a continuous market around 0.12 USDC/kWh with a book of 40 price levels a side (0.0001
USDC apart) and 10 orders per level (800 orders), then a command stream of 200,000 operations:

* 60 % limit GTC adds: one in six priced 0-3 ticks through the best opposite price (it
  crosses), the others 1-20 ticks behind the mid (passive);
* 30 % cancels of orders that are live at that moment (so every cancel hits);
* 10 % marketable orders: market IOC orders (0.002 USDC/kWh band) for 0.5-6 kWh at the
  starting depth, scaled with the book's depth so that the book stays near that depth.

The workload is unchanged since the first measurement (2026-11-23), so its figures compare
across versions. It is a fair "realistic mix": every cancel hits, a sixth of the adds and all
market orders cross (3 events per command), and about 80 % of the rests open a new price
level, which costs more than joining one.

The stream is generated once, with a seeded ``random.Random`` and an engine that follows it (so
the cancels name live orders); every run restores the same starting snapshot and replays the
same stream, so all runs do identical work. One warm-up run, then ``RUNS`` timed runs without
per-operation timing (throughput: median of the runs, by the wall clock and, since other
processes share the machine, also by the thread's CPU time), then ``RUNS`` runs timing each
``apply`` with ``perf_counter_ns`` (latency percentiles over all of them, by kind as well).
The process is pinned to one CPU with ``os.sched_setaffinity``.

Builds: when the mypyc build of the core exists (``make native``, see
:mod:`gridtokenx.market.compiled`), the same measurement runs on the ``.py`` sources in a child
process that ignores the build, then on the build in this process, twice in turn so that
machine load falls on both alike; the throughput medians are over both rounds, the latencies
from the second. The summary line is the build the project runs: compiled if built.

Ends with ``matching ops_per_s=<n> p50_us=<n> p99_us=<n>``; the target is 500,000 ops/s.

Run from the repository root: ``.venv/bin/python bench/matching.py``.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Final, NamedTuple

from gridtokenx.core.units import GxtAmount, PricePerKwh
from gridtokenx.market import (
    AddOrder,
    CancelOrder,
    Command,
    Event,
    MarketConfig,
    MatchingEngine,
    OrderAccepted,
    OrderCancelled,
    OrderFilled,
    Side,
    Snapshot,
    TimeInForce,
    Trade,
)
from gridtokenx.market.compiled import compiled_modules, stale_modules

SEED: Final = 20261123
OPERATIONS: Final = 200_000
RUNS: Final = 5
MID_PRICE_PER_KWH: Final = 120_000  # 0.12 USDC/kWh in USDC base units
TICK_PER_KWH: Final = 100  # 0.0001 USDC/kWh
LEVELS_PER_SIDE: Final = 40
ORDERS_PER_LEVEL: Final = 10
BAND_PER_KWH: Final = 2_000
CROSSING_ADD_SHARE: Final = 1 / 6
WH: Final = 1_000  # GXT base units per Wh
OWNERS: Final = tuple(f"prosumer-{index:03d}" for index in range(200))

KINDS: Final = ("add", "cancel", "market")


def _quantity(rng: random.Random, low_wh: int, high_wh: int) -> GxtAmount:
    return GxtAmount(rng.randint(low_wh, high_wh) * WH)


class _Flow:
    """Builds commands against a generator engine, tracking live orders to cancel."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.engine = MatchingEngine(MarketConfig(market_order_band_per_kwh=BAND_PER_KWH))
        self.live: list[int] = []
        self.position: dict[int, int] = {}
        self.next_order_id = 1
        self.now_ms = 1_772_427_600_000

    def apply(self, command: Command) -> list[Event]:
        events = self.engine.apply(command)
        for event in events:
            self._track(event)
        return events

    def _track(self, event: Event) -> None:
        if isinstance(event, OrderAccepted):
            self.position[event.order_id] = len(self.live)
            self.live.append(event.order_id)
        elif isinstance(event, OrderFilled | OrderCancelled):
            self._forget(event.order_id)

    def _forget(self, order_id: int) -> None:
        # Swap-remove keeps picking a random live id O(1).
        index = self.position.pop(order_id)
        last = self.live.pop()
        if last != order_id:
            self.live[index] = last
            self.position[last] = index

    def limit_order(self, side: Side, price: int, quantity: GxtAmount) -> AddOrder:
        self.now_ms += 1
        self.next_order_id += 1
        return AddOrder(
            order_id=self.next_order_id,
            owner=self.rng.choice(OWNERS),
            side=side,
            price=PricePerKwh(price),
            quantity=quantity,
            timestamp_ms=self.now_ms,
        )

    def seed_book(self) -> None:
        for level in range(1, LEVELS_PER_SIDE + 1):
            for _ in range(ORDERS_PER_LEVEL):
                for side, sign in ((Side.BUY, -1), (Side.SELL, 1)):
                    price = MID_PRICE_PER_KWH + sign * level * TICK_PER_KWH
                    self.apply(self.limit_order(side, price, _quantity(self.rng, 100, 5_000)))
        self.live = [order.order_id for order in self.engine.open_orders()]
        self.position = {order_id: index for index, order_id in enumerate(self.live)}

    def _steady_size(self, quantity: int) -> int:
        # Proportional to the book's depth (half size at the starting depth), so that the flow
        # settles near that depth instead of drifting like a random walk to empty or huge.
        return max(WH, quantity * len(self.live) // (4 * LEVELS_PER_SIDE * ORDERS_PER_LEVEL))

    def next_command(self) -> tuple[str, Command]:
        draw = self.rng.random()
        if draw < 0.6:
            side = self.rng.choice((Side.BUY, Side.SELL))
            sign = 1 if side is Side.BUY else -1
            best_bid, best_ask = self.engine.best(Side.BUY), self.engine.best(Side.SELL)
            opposite = best_ask if side is Side.BUY else best_bid
            mid = MID_PRICE_PER_KWH
            if best_bid is not None and best_ask is not None:
                mid = (best_bid.price + best_ask.price) // 2
            if opposite is not None and self.rng.random() < CROSSING_ADD_SHARE:
                # Through the best opposite price by 0-3 ticks.
                price = opposite.price + sign * self.rng.randint(0, 3) * TICK_PER_KWH
            else:
                # 1-20 ticks behind the mid: passive, spread over the top of the book.
                price = mid - sign * self.rng.randint(1, 20) * TICK_PER_KWH
            quantity = _quantity(self.rng, 100, 5_000)
            return "add", self.limit_order(side, max(price, 1), quantity)
        if draw < 0.9 and self.live:
            return "cancel", CancelOrder(self.rng.choice(self.live))
        self.now_ms += 1
        self.next_order_id += 1
        return "market", AddOrder(
            order_id=self.next_order_id,
            owner=self.rng.choice(OWNERS),
            side=self.rng.choice((Side.BUY, Side.SELL)),
            price=None,
            quantity=GxtAmount(self._steady_size(_quantity(self.rng, 1_000, 12_000))),
            timestamp_ms=self.now_ms,
            time_in_force=TimeInForce.IOC,
        )


def build_workload() -> tuple[Snapshot, list[str], list[Command], Counter[str], int]:
    """The starting snapshot, the stream (kinds and commands), event counts and final depth."""
    flow = _Flow(random.Random(SEED))  # noqa: S311 - a reproducible workload, not a secret
    flow.seed_book()
    start = flow.engine.snapshot()
    kinds: list[str] = []
    stream: list[Command] = []
    events: Counter[str] = Counter()
    for _ in range(OPERATIONS):
        kind, command = flow.next_command()
        kinds.append(kind)
        stream.append(command)
        produced = flow.apply(command)
        events.update(type(event).__name__ for event in produced)
        if kind == "add" and any(isinstance(event, Trade) for event in produced):
            events["crossing adds"] += 1
    return start, kinds, stream, events, len(flow.engine.open_orders())


def time_run(start: Snapshot, stream: list[Command]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (this thread's) to apply the stream to a restored engine."""
    engine = MatchingEngine.restore(start)
    apply = engine.apply
    gc.collect()
    started, started_cpu = time.perf_counter(), time.thread_time()
    for command in stream:
        apply(command)
    return time.perf_counter() - started, time.thread_time() - started_cpu


def time_each(start: Snapshot, stream: list[Command]) -> list[int]:
    """Nanoseconds of each ``apply``."""
    engine = MatchingEngine.restore(start)
    apply = engine.apply
    clock = time.perf_counter_ns
    durations_ns = []
    gc.collect()
    for command in stream:
        started = clock()
        apply(command)
        durations_ns.append(clock() - started)
    return durations_ns


def percentile_us(durations_ns: list[int], fraction: float) -> float:
    ordered = sorted(durations_ns)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] / 1_000


class Measurement(NamedTuple):
    """One build's figures on the workload."""

    build: str
    ops_per_s: list[float]
    """One figure per throughput run, by the wall clock."""
    cpu_ops_per_s: list[float]
    """The same runs by the CPU time of the thread: what they cost without other processes."""
    latency_us: dict[str, list[float]]
    """``[p50, p99]`` by operation kind, and over all operations as ``"all"``."""

    @property
    def median_ops_per_s(self) -> float:
        return statistics.median(self.ops_per_s)


def measure(build: str, start: Snapshot, kinds: list[str], stream: list[Command]) -> Measurement:
    time_run(start, stream)  # warm-up
    runs = [time_run(start, stream) for _ in range(RUNS)]
    ops_per_s = [len(stream) / wall for wall, _ in runs]
    cpu_ops_per_s = [len(stream) / cpu for _, cpu in runs]
    durations_ns: list[int] = []
    by_kind: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for _ in range(RUNS):
        run = time_each(start, stream)
        durations_ns.extend(run)
        for kind, duration_ns in zip(kinds, run, strict=True):
            by_kind[kind].append(duration_ns)
    latency_us = {
        kind: [percentile_us(durations, 0.5), percentile_us(durations, 0.99)]
        for kind, durations in [*by_kind.items(), ("all", durations_ns)]
    }
    return Measurement(build, ops_per_s, cpu_ops_per_s, latency_us)


def report(measurement: Measurement) -> None:
    build = f"{measurement.build:>8}"
    print(
        f"{build} throughput runs: "
        + ", ".join(f"{ops:,.0f}" for ops in measurement.ops_per_s)
        + f" ops/s; median {measurement.median_ops_per_s:,.0f} ops/s"
    )
    print(
        f"{build} same runs by CPU time: "
        + ", ".join(f"{ops:,.0f}" for ops in measurement.cpu_ops_per_s)
        + f" ops/s; median {statistics.median(measurement.cpu_ops_per_s):,.0f} ops/s"
    )
    for kind, (p50_us, p99_us) in measurement.latency_us.items():
        print(f"{build} latency {kind:>6}: p50 {p50_us:6.2f} us, p99 {p99_us:6.2f} us")


# Runs this script in a fresh process that loads the sources instead of the compiled build.
_SOURCES_CHILD = """
import runpy, sys
from gridtokenx.market.compiled import load_sources
load_sources()
runpy.run_path(sys.argv[1], run_name="__main__")
"""
_CHILD_FLAG = "--measure-sources"


def measure_sources_in_a_child() -> Measurement:
    """:func:`measure` of the ``.py`` sources, in a process that ignores the compiled build."""
    child = subprocess.run(
        [sys.executable, "-c", _SOURCES_CHILD, __file__, _CHILD_FLAG],
        capture_output=True,
        text=True,
        check=True,
    )
    build, ops_per_s, cpu_ops_per_s, latency_us = json.loads(child.stdout.splitlines()[-1])
    return Measurement(build, ops_per_s, cpu_ops_per_s, latency_us)


def pin_to_one_cpu() -> int:
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def main() -> None:
    cpu = pin_to_one_cpu()
    start, kinds, stream, events, final_orders = build_workload()
    if _CHILD_FLAG in sys.argv:
        assert not compiled_modules(), "the child must run the sources"
        print(json.dumps(measure("sources", start, kinds, stream)))
        return
    print(f"date: {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(
        f"machine: {platform.node()} ({os.cpu_count()} cores, {platform.machine()}), "
        f"Python {platform.python_version()}, pinned to CPU {cpu}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    start_orders = len(MatchingEngine.restore(start).open_orders())
    mix = Counter(kinds)
    print(
        f"workload: {len(stream):,} ops ("
        + ", ".join(f"{kind} {100 * mix[kind] / len(stream):.0f}%" for kind in KINDS)
        + f"); book {start_orders:,} orders at start, {final_orders:,} at the end"
    )
    crossing_adds = events.pop("crossing adds")
    print(f"adds that cross: {100 * crossing_adds / mix['add']:.0f}%")
    print(
        f"events: {sum(events.values()) / len(stream):.2f} per op ("
        + ", ".join(f"{name} {count:,}" for name, count in events.most_common())
        + ")"
    )
    compiled = compiled_modules()
    if compiled:
        print("compiled (mypyc, make native): " + ", ".join(compiled))
        if stale_modules():
            print(f"warning: the compiled build is older than its sources: {stale_modules()}")
        # The sources first and the build second, alternating, so that load from other
        # processes on the machine falls on both alike.
        pair = [measure_sources_in_a_child(), measure("compiled", start, kinds, stream)]
        pair += [measure_sources_in_a_child(), measure("compiled", start, kinds, stream)]
        sources, result = (
            Measurement(
                build,
                first.ops_per_s + second.ops_per_s,
                first.cpu_ops_per_s + second.cpu_ops_per_s,
                second.latency_us,
            )
            for build, first, second in (
                ("sources", pair[0], pair[2]),
                ("compiled", pair[1], pair[3]),
            )
        )
        report(sources)
        report(result)
        by_wall = result.median_ops_per_s / sources.median_ops_per_s
        by_cpu = statistics.median(result.cpu_ops_per_s) / statistics.median(sources.cpu_ops_per_s)
        print(f"compiled/sources: {by_wall:.2f}x by the wall clock, {by_cpu:.2f}x by CPU time")
    else:
        print("no compiled build (make native): measuring the sources")
        result = measure("sources", start, kinds, stream)
        report(result)
    p50_us, p99_us = result.latency_us["all"]
    print(
        f"matching ops_per_s={result.median_ops_per_s:.0f} p50_us={p50_us:.2f} p99_us={p99_us:.2f}"
    )


if __name__ == "__main__":
    main()
