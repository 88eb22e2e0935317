"""The order indexer: catch-up throughput and live place-to-command latency.

A private node bootstrapped as the stack bootstraps the shared one, a scratch database and
scratch topics on the running stack (tests/indexer/rig.py). First ``BACKLOG`` buy orders are
placed with no indexer running; one indexer run then catches up (signatures paged back to the
cursor, ``getTransaction`` of each, commands in Kafka transactions, mirror rows and cursor in
PostgreSQL) and its throughput is transactions / wall time. Then an indexer runs live (woken by
``logsSubscribe``, polling off) while ``LIVE`` orders are placed one at a time; latency is from
sending ``place_order`` to its ``add`` command being readable (``read_committed``) on the topic,
so it includes the transaction's own confirmation. Ends with
``indexer catch_up_tx_per_s=<n> place_to_command_p50_ms=<n> place_to_command_p99_ms=<n>``.

Run from the repository root with the stack up: ``.venv/bin/python bench/indexer.py``.
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from confluent_kafka import Consumer, KafkaError, TopicPartition

from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.config import get_settings
from gridtokenx.indexer.app import open_indexer, serve

# The private chain and market rigs are shared with the integration tests beside bench/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.chain.local_chain import bootstrapped_chain
from tests.indexer.rig import Rig, indexer_rig, on_chain
from tests.indexer.traders import Desk, Trader
from tests.market.service.private_market import PARTITIONS

MACHINE = "2-core polyglot VM"
BACKLOG = 1_000
LIVE = 100
PLACE_CONCURRENCY = 16
KWH = 1_000_000


async def _backlog(desk: Desk) -> Trader:
    buyer = await desk.trader(usdc=10 * BACKLOG * 20_000)
    limit = asyncio.Semaphore(PLACE_CONCURRENCY)

    async def place(order_id: int) -> None:
        async with limit:
            await desk.place(buyer, order_id, OrderSide.BUY, 10_000 + order_id % 5_000, KWH)

    await asyncio.gather(*(place(order_id) for order_id in range(BACKLOG)))
    return buyer


def _catch_up(rig: Rig) -> float:
    settings = rig.settings.model_copy(
        update={"indexer": rig.settings.indexer.model_copy(update={"subscribe": False})}
    )

    async def run() -> float:
        started = time.perf_counter()
        counters = await serve(settings, asyncio.Event(), max_idle_passes=1)
        elapsed = time.perf_counter() - started
        assert counters.commands["add"] == BACKLOG, counters
        return elapsed

    return asyncio.run(run())


def _live(rig: Rig, buyer: Trader) -> list[float]:
    consumer = Consumer(
        {
            "bootstrap.servers": rig.settings.kafka.bootstrap_servers,
            "group.id": f"bench-{uuid.uuid4()}",
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
        }
    )
    topic = rig.settings.market.commands_topic
    ends = [consumer.get_watermark_offsets(TopicPartition(topic, p))[1] for p in range(PARTITIONS)]
    consumer.assign([TopicPartition(topic, p, end) for p, end in enumerate(ends)])
    settings = rig.settings.model_copy(
        update={
            "indexer": rig.settings.indexer.model_copy(
                update={"subscribe": True, "poll_interval_ms": 60_000, "reconcile_interval_s": 0}
            )
        }
    )

    async def run(desk: Desk) -> list[float]:
        latencies: list[float] = []
        stop = asyncio.Event()
        async with open_indexer(settings) as indexer:
            assert indexer.wakeup is not None
            running = asyncio.create_task(indexer.run(stop))
            await asyncio.wait_for(indexer.wakeup.subscribed.wait(), 30)
            for order_id in range(BACKLOG, BACKLOG + LIVE):
                started = time.perf_counter()
                await desk.place(buyer, order_id, OrderSide.BUY, 10_000, KWH)
                while True:
                    message = await asyncio.to_thread(consumer.poll, 10)
                    assert message is not None, "no command within 10 s"
                    error = message.error()
                    if error is None:
                        break
                    assert error.code() == KafkaError._PARTITION_EOF, error
                latencies.append((time.perf_counter() - started) * 1000)
            stop.set()
            await running
        return latencies

    try:
        return on_chain(rig, run)
    finally:
        consumer.close()


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as state,
        bootstrapped_chain(Path(state)) as chain,
        indexer_rig(get_settings(), chain) as rig,
    ):
        buyer = on_chain(rig, _backlog)
        elapsed = _catch_up(rig)
        latencies = sorted(_live(rig, buyer))
    throughput = BACKLOG / elapsed
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    load = os.getloadavg()
    print(f"date: {datetime.now(UTC).isoformat(timespec='seconds')}")
    python = sys.version.split()[0]
    print(f"machine: {MACHINE} ({platform.node()}, {os.cpu_count()} cores), Python {python}")
    print(f"load average at the end: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min)")
    print(
        f"catch-up: {BACKLOG} place_order transactions in {elapsed:.2f} s (one run from the "
        f"cursor, including its reconcile pass): {throughput:.0f} tx/s"
    )
    print(
        f"live ({LIVE} orders one at a time, logsSubscribe wake-ups): place -> add on the topic "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms"
    )
    print(
        f"indexer catch_up_tx_per_s={throughput:.0f} place_to_command_p50_ms={p50:.0f} "
        f"place_to_command_p99_ms={p99:.0f}"
    )


if __name__ == "__main__":
    main()
