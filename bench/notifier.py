"""Catch-up throughput of the notifier: a backlog of settled trades between accounts, read,
decided, written and published from a scratch database through the shared Redis.

Setup: a scratch migrated database on the running PostgreSQL, 20 accounts with linked wallets,
``TRADES`` trades between them stored pending and then settled in one transaction each (the
triggers record 2 changes per trade: new, settled); the notifier then runs passes until every
change is read. Each change is one delivery per party (a ``fill`` or ``settlement`` event on
``gtx:user:<uuid>`` with WATCH/INCR/PUBLISH, a ``trade_settled`` notification for settled
ones); no e-mail (no address is verified). The time covers PostgreSQL (one transaction per 500
changes, one outbox update per 500 events) and 5 Redis round trips per event.

Ends with ``notifier changes_per_s=<n> events_per_s=<n>``; no target is set.

Run from the repository root with the stack up: ``.venv/bin/python bench/notifier.py``.
"""

from __future__ import annotations

import asyncio
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from redis.asyncio import Redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.notifications.rig import add_user, run_until_caught_up
from tests.utils.databases import scratch_database

from gridtokenx.config import GatewaySettings, NotifierSettings, PostgresSettings, Settings
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.notifications.service import Notifier
from gridtokenx.notifications.store import NotifierStore

MACHINE = "2-core polyglot VM"
TRADES = 2_000
ACCOUNTS = 20


def _backlog(postgres: PostgresSettings) -> None:
    users = [add_user(postgres) for _ in range(ACCOUNTS)]
    with psycopg.connect(postgres.url, autocommit=True) as connection:
        with connection.transaction():
            for trade_id in range(1, TRADES + 1):
                buyer = users[trade_id % ACCOUNTS].wallet
                seller = users[(trade_id + 1) % ACCOUNTS].wallet
                connection.execute(
                    "INSERT INTO settlement_trades (market, trade_id, sequence, buy_order, "
                    "sell_order, buyer, seller, price, quantity, trade_timestamp_ms, "
                    "source_partition, source_offset, status) VALUES ('BENCH', %s, %s, 'b', "
                    "'s', %s, %s, 120000, 1000000, 1, 0, %s, 'pending')",
                    (trade_id, trade_id, buyer, seller, trade_id),
                )
        with connection.transaction():
            (batch_id,) = connection.execute(
                "INSERT INTO settlement_batches (market, status, signature, signed_transaction, "
                "last_valid_block_height, fill_count, order_count) VALUES ('BENCH', 'settled', "
                "'benchSig', '\\x00', 1, 10, 20) RETURNING batch_id"
            ).fetchone() or (0,)
            connection.execute(
                "UPDATE settlement_trades SET status = 'submitted', batch_id = %s "
                "WHERE market = 'BENCH'",
                (batch_id,),
            )
            connection.execute(
                "UPDATE settlement_trades SET status = 'settled', settled_signature = 'benchSig' "
                "WHERE market = 'BENCH'"
            )


async def _catch_up(settings: Settings, postgres: PostgresSettings) -> tuple[int, int, float]:
    redis = Redis(host=settings.redis.host, port=settings.redis.port)
    store = NotifierStore(postgres.url)
    notifier = Notifier(NotifierSettings(), GatewaySettings(), store=store, redis=redis)
    try:
        started = time.perf_counter()
        counts = await run_until_caught_up(notifier, postgres)
        elapsed = time.perf_counter() - started
    finally:
        await store.close()
        await redis.aclose()
    assert counts.failures == [], counts
    return counts.changes, counts.published, elapsed


def main() -> None:
    settings = Settings()
    with scratch_database(settings.postgres) as postgres:
        upgrade_to_head(postgres.url)
        _backlog(postgres)
        changes, published, elapsed = asyncio.run(_catch_up(settings, postgres))
    load = os.getloadavg()
    print("$ .venv/bin/python bench/notifier.py")
    print(f"date: {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(f"machine: {MACHINE} ({platform.machine()}), Python {platform.python_version()}")
    print(f"load average at the end: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min)")
    print(
        f"catch-up: {changes} changes ({TRADES} trades stored, then settled) -> {published} "
        f"per-user events in {elapsed:.2f} s"
    )
    print(f"notifier changes_per_s={changes / elapsed:.0f} events_per_s={published / elapsed:.0f}")


if __name__ == "__main__":
    main()
