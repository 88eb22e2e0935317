"""The indexer's loop: follow the Trading program from a persisted cursor.

Each pass lists the program's signatures since the cursor (a catch-up scan after downtime is the
same pass with a longer list), fetches the successful transactions oldest first and, per batch of
``batch_transactions``:

1. decodes them (:mod:`~gridtokenx.indexer.decoder`), reads the order accounts they touched
   (``getMultipleAccounts``) and works out their mirror rows (:mod:`~gridtokenx.indexer.mirror`);
2. publishes their commands, in chain order, keyed by market, in one Kafka transaction, and
   waits until it is committed;
3. commits the rows and the cursor past the batch's last transaction in one PostgreSQL
   transaction.

A crash (or PostgreSQL failing) between 2 and 3 leaves the cursor behind commands Kafka already
holds: the indexer produces them again. The matcher refuses each repeat: one in the market's
latest slot as ``duplicate`` (same transaction, type and order), an older one as
``out_of_order``.

Passes start when a ``logsSubscribe`` notification arrives, or every ``poll_interval_ms``. A
reconcile pass (all order accounts of the program vs the live rows) runs after the first
catch-up and then every ``reconcile_interval_s``; its fixes are counted as drift. An order that
changes between the catch-up and the reconcile read is fixed early and counted too (the
transaction's own batch then writes the same row again).

The chain or PostgreSQL not answering abandons the pass (its batch is not committed) and retries
after ``retry_interval_s``; a failed Kafka transaction stops the process (CommandPublishError).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from solders.pubkey import Pubkey

from gridtokenx.chain.client.errors import ChainClientError
from gridtokenx.config import IndexerSettings
from gridtokenx.indexer import metrics
from gridtokenx.indexer.chain import IndexerChain, SignatureInfo
from gridtokenx.indexer.decoder import DecodedTransaction, decode_transaction
from gridtokenx.indexer.errors import MirrorUnavailableError
from gridtokenx.indexer.mirror import (
    OrderRow,
    Reconciliation,
    events_by_order,
    next_row,
    reconcile,
)
from gridtokenx.indexer.producer import CommandProducer
from gridtokenx.indexer.repository import Cursor, OrderMirror
from gridtokenx.indexer.wakeup import LogsWakeup
from gridtokenx.market.wire import AddCommand

_log = logging.getLogger(__name__)


@dataclass
class IndexerCounters:
    transactions: int = 0
    failed: int = 0
    commands: Counter[str] = field(default_factory=Counter)
    skipped_instructions: int = 0
    mirror_updates: int = 0
    batches: int = 0
    reconciles: int = 0
    drift: Counter[str] = field(default_factory=Counter)
    retries: int = 0


class OrderIndexer:
    def __init__(
        self,
        settings: IndexerSettings,
        program: Pubkey,
        chain: IndexerChain,
        mirror: OrderMirror,
        producer: CommandProducer,
        wakeup: LogsWakeup | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._program = program
        self._chain = chain
        self._mirror = mirror
        self._producer = producer
        self._wakeup = wakeup
        self._clock = clock
        self._stop = asyncio.Event()
        self.counters = IndexerCounters()

    @property
    def wakeup(self) -> LogsWakeup | None:
        return self._wakeup

    # One pass -------------------------------------------------------------------------------

    async def catch_up(self) -> int:
        """Process every transaction since the cursor; returns how many were processed."""
        cursor = self._mirror.cursor()
        infos = await self._chain.signatures_since(
            self._program, None if cursor is None else cursor.signature, self._settings.page_size
        )
        processed = 0
        size = self._settings.batch_transactions
        for start in range(0, len(infos), size):
            chunk = infos[start : start + size]
            floor_ms = 0 if cursor is None else cursor.timestamp_ms
            handled, moved = await self._batch(chunk, floor_ms)
            processed += handled
            if moved is not None:
                cursor = moved
            if handled < len(chunk) or self._stop.is_set():
                break  # a transaction not yet served at the commitment, or stopping
        if cursor is not None:
            metrics.CURSOR_SLOT.set(cursor.slot)
            metrics.LAG_SLOTS.set(max(0, await self._chain.slot() - cursor.slot))
        return processed

    async def _batch(
        self, infos: Sequence[SignatureInfo], floor_ms: int
    ) -> tuple[int, Cursor | None]:
        """Process ``infos`` (or the prefix the node serves); returns how many were processed
        and the new cursor (None: none were)."""
        wanted = [info.signature for info in infos if not info.failed]
        documents = dict(zip(wanted, await self._chain.transactions(wanted), strict=True))
        decoded: list[DecodedTransaction] = []
        handled = failed = 0
        for info in infos:
            if not info.failed:
                document = documents[info.signature]
                if document is None:
                    break
                transaction = decode_transaction(document, self._program, floor_ms=floor_ms)
                floor_ms = transaction.timestamp_ms
                decoded.append(transaction)
                failed += transaction.failed
            else:
                failed += 1
            handled += 1
        if not handled:
            return 0, None
        last = infos[handled - 1]
        # Every read first: a chain or database failure then abandons the batch before any of
        # its commands is published, so a retry repeats nothing.
        rows = await self._rows(decoded, last.slot)
        commands = [command for each in decoded for command in each.commands]
        if commands:
            self._producer.publish(commands)
        cursor = Cursor(last.signature, last.slot, floor_ms)
        self._mirror.commit(rows, cursor)
        self._count(decoded, handled, failed, commands, rows)
        return handled, cursor

    async def _rows(self, decoded: Sequence[DecodedTransaction], read_slot: int) -> list[OrderRow]:
        events = events_by_order(decoded)
        if not events:
            return []
        existing = self._mirror.rows(events)
        accounts = await self._chain.orders(list(events))
        rows = []
        for order, order_events in events.items():
            row = next_row(order, existing.get(order), order_events, accounts.get(order), read_slot)
            if row is not None and row != existing.get(order):
                rows.append(row)
        return rows

    def _count(
        self,
        decoded: Sequence[DecodedTransaction],
        handled: int,
        failed: int,
        commands: Sequence[object],
        rows: Sequence[OrderRow],
    ) -> None:
        counters = self.counters
        ok = handled - failed
        counters.transactions += handled
        counters.failed += failed
        counters.batches += 1
        metrics.TRANSACTIONS.labels("ok").inc(ok)
        metrics.TRANSACTIONS.labels("failed").inc(failed)
        for command in commands:
            kind = "add" if isinstance(command, AddCommand) else "cancel"
            counters.commands[kind] += 1
            metrics.COMMANDS.labels(kind).inc()
        for transaction in decoded:
            for problem in transaction.skipped:
                _log.error("Trading instruction not decoded: %s", problem)
                counters.skipped_instructions += 1
                metrics.SKIPPED_INSTRUCTIONS.inc()
        counters.mirror_updates += len(rows)
        metrics.MIRROR_UPDATES.labels("transaction").inc(len(rows))

    async def reconcile(self) -> Reconciliation:
        """Make the live rows match every order account of the program; returns the fixes."""
        live = self._mirror.live_rows()
        slot = await self._chain.slot()
        accounts = await self._chain.program_orders(self._program)
        result = reconcile(live, accounts, slot)
        self._mirror.commit(result.fixes, None)
        self.counters.reconciles += 1
        metrics.RECONCILES.inc()
        for kind, count in result.drift.items():
            self.counters.drift[kind.value] += count
            metrics.RECONCILE_DRIFT.labels(kind.value).inc(count)
        metrics.MIRROR_UPDATES.labels("reconcile").inc(len(result.fixes))
        if result.fixes:
            _log.warning(
                "reconcile fixed %d mirror rows: %s",
                len(result.fixes),
                ", ".join(f"{kind.value}={count}" for kind, count in result.drift.items()),
            )
        return result

    # The loop -------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event, max_idle_passes: int | None = None) -> IndexerCounters:
        """Follow the program until ``stop`` is set, or until ``max_idle_passes`` passes in a
        row found nothing new (batch runs and tests)."""
        self._stop = stop
        if self._wakeup is not None:
            self._wakeup.start()
        idle = 0
        reconciled_at: float | None = None
        try:
            while not stop.is_set():
                try:
                    processed = await self.catch_up()
                    interval = self._settings.reconcile_interval_s
                    now = self._clock()
                    if reconciled_at is None or (interval and now - reconciled_at >= interval):
                        await self.reconcile()
                        reconciled_at = now
                except (ChainClientError, MirrorUnavailableError) as exc:
                    _log.warning("pass abandoned, retrying: %s", exc)
                    self.counters.retries += 1
                    metrics.RETRIES.inc()
                    await _sleep_unless(stop, self._settings.retry_interval_s)
                    continue
                idle = 0 if processed else idle + 1
                if max_idle_passes is not None and idle >= max_idle_passes:
                    break
                await self._wait(stop)
        finally:
            if self._wakeup is not None:
                await self._wakeup.close()
        return self.counters

    async def _wait(self, stop: asyncio.Event) -> None:
        timeout_s = self._settings.poll_interval_ms / 1000
        waiters = [asyncio.ensure_future(stop.wait())]
        if self._wakeup is not None:
            waiters.append(asyncio.ensure_future(self._wakeup.event.wait()))
        _, pending = await asyncio.wait(
            waiters, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED
        )
        for waiter in pending:
            waiter.cancel()
        woke = self._wakeup is not None and self._wakeup.event.is_set()
        metrics.WAKEUPS.labels("logs" if woke else "timer").inc()
        if self._wakeup is not None:
            self._wakeup.event.clear()


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
