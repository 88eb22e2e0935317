"""Throughput and latency of the pure matching core on one CPU, on a realistic order flow.

Setup: a continuous market around 0.12 USDC/kWh with a book of 40 price levels a side (0.0001
USDC apart) and 10 orders per level (800 orders), then a command stream of 200,000 operations:

* 60 % limit GTC adds: one in six priced 0-3 ticks through the best opposite price (it
  crosses), the others 1-20 ticks behind the mid (passive);
* 30 % cancels of orders that are live at that moment (so every cancel hits);
* 10 % marketable orders: market IOC orders (0.002 USDC/kWh band) for 0.5-6 kWh at the
  starting depth, scaled with the book's depth so that the book stays near that depth.

The stream is generated once, with a seeded ``random.Random`` and an engine that follows it (so
the cancels name live orders); every run restores the same starting snapshot and replays the
same stream, so all runs do identical work. One warm-up run, then ``RUNS`` timed runs without
per-operation timing (throughput: median of the runs), then ``RUNS`` runs timing each
``apply`` with ``perf_counter_ns`` (latency percentiles over all of them, by kind as well).
The process is pinned to one CPU with ``os.sched_setaffinity``.

Ends with ``matching ops_per_s=<n> p50_us=<n> p99_us=<n>``; the later target is 500,000 ops/s.

Run from the repository root: ``.venv/bin/python bench/matching.py``.
"""

from __future__ import annotations

import gc
import os
import platform
import random
import statistics
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Final

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


def time_run(start: Snapshot, stream: list[Command]) -> float:
    """Seconds to apply the whole stream to a freshly restored engine."""
    engine = MatchingEngine.restore(start)
    apply = engine.apply
    gc.collect()
    started = time.perf_counter()
    for command in stream:
        apply(command)
    return time.perf_counter() - started


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


def pin_to_one_cpu() -> int:
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def main() -> None:
    cpu = pin_to_one_cpu()
    print(f"date: {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(
        f"machine: {platform.node()} ({os.cpu_count()} cores, {platform.machine()}), "
        f"Python {platform.python_version()}, pinned to CPU {cpu}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    start, kinds, stream, events, final_orders = build_workload()
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

    time_run(start, stream)  # warm-up
    seconds = [time_run(start, stream) for _ in range(RUNS)]
    ops_per_s = len(stream) / statistics.median(seconds)
    print(
        "throughput runs: "
        + ", ".join(f"{len(stream) / s:,.0f}" for s in seconds)
        + f" ops/s; median {ops_per_s:,.0f} ops/s"
    )

    durations_ns: list[int] = []
    by_kind: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for _ in range(RUNS):
        run = time_each(start, stream)
        durations_ns.extend(run)
        for kind, duration_ns in zip(kinds, run, strict=True):
            by_kind[kind].append(duration_ns)
    for kind in KINDS:
        print(
            f"latency {kind:>6}: p50 {percentile_us(by_kind[kind], 0.5):6.2f} us, "
            f"p99 {percentile_us(by_kind[kind], 0.99):6.2f} us"
        )
    p50_us = percentile_us(durations_ns, 0.5)
    p99_us = percentile_us(durations_ns, 0.99)
    print(f"latency    all: p50 {p50_us:6.2f} us, p99 {p99_us:6.2f} us")
    print(f"matching ops_per_s={ops_per_s:.0f} p50_us={p50_us:.2f} p99_us={p99_us:.2f}")


if __name__ == "__main__":
    main()
