"""The matching service: the single writer of every market in its ``order-commands`` partitions.

``order-commands`` is keyed by market, so a market's commands sit in one partition, and the
consumer group gives each partition to exactly one process: that process alone matches the
market. Per batch it applies each command to the market's :class:`MarketSession` and publishes
the trades, book deltas, order releases and refused commands together with the next input
offsets in one Kafka transaction (:mod:`~gridtokenx.market.kafka_io`): exactly-once
read-process-write.

Every ``snapshot_every_commands`` commands (or ``snapshot_interval_s``), on a clean stop and when
a partition is taken away, the partition's sessions are checkpointed to PostgreSQL after the
transaction that committed them (:mod:`~gridtokenx.market.snapshots`). On assignment a partition
is rebuilt from its newest checkpoint: the commands from the checkpoint's offset up to the
group's committed offset are applied again without publishing (their outputs are already
committed), and publishing resumes at the committed offset. The engine is deterministic, so the
rebuilt books are identical and no trade is published twice or lost.

A failed transaction stops the process (MatcherTransactionError): nothing of the batch became
visible, and a restart rebuilds the books from the last committed state.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from confluent_kafka import Message

from gridtokenx.config import Settings
from gridtokenx.market import metrics
from gridtokenx.market.config import MarketConfig, MarketMode
from gridtokenx.market.kafka_io import MatcherKafka, Output
from gridtokenx.market.service_errors import MatcherError
from gridtokenx.market.session import MarketSession, Outcome, Rejection
from gridtokenx.market.snapshots import SnapshotStore
from gridtokenx.market.wire import (
    WireFormatError,
    decode_command,
    encode_book_delta,
    encode_release,
    encode_trade,
)

_log = logging.getLogger(__name__)


@dataclass
class MatcherCounters:
    transactions: int = 0
    commands: int = 0
    replayed: int = 0
    trades: int = 0
    checkpoints: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    engine_rejected: Counter[str] = field(default_factory=Counter)


@dataclass
class _Partition:
    sessions: dict[str, MarketSession]
    next_offset: int
    """The first offset not applied yet."""
    replay_until: int
    """Commands before this offset were published before the restart: apply, do not publish."""
    checkpoint_offset: int
    checkpoint_at: float

    @property
    def is_live(self) -> bool:
        return self.next_offset >= self.replay_until


class MatchingService:
    def __init__(
        self,
        settings: Settings,
        store: SnapshotStore,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._market = settings.market
        self._store = store
        self._clock = clock
        self._config = MarketConfig(
            mode=MarketMode(self._market.mode),
            market_order_band_per_kwh=self._market.market_order_band_per_kwh,
            auction_interval_ms=self._market.auction_interval_ms,
        )
        self._partitions: dict[int, _Partition] = {}
        self._kafka: MatcherKafka | None = None
        self._stop = threading.Event()
        self._assigned = threading.Event()
        self.counters = MatcherCounters()

    def stop(self) -> None:
        self._stop.set()

    def run(self, max_idle_polls: int | None = None) -> MatcherCounters:
        """Match until :meth:`stop`, or until ``max_idle_polls`` empty polls in a row once the
        consumer has its partitions; then checkpoint and leave the group."""
        kafka = MatcherKafka(self._settings.kafka, self._market, self._on_assign, self._on_revoke)
        self._kafka = kafka
        idle = 0
        try:
            while not self._stop.is_set():
                records = kafka.poll(self._market.batch_size, self._market.poll_timeout_ms / 1000)
                if records:
                    idle = 0
                    with metrics.BATCH_SECONDS.time():
                        self._process(kafka, records)
                else:
                    idle += self._assigned.is_set()
                    if max_idle_polls is not None and idle >= max_idle_polls:
                        break
                self._checkpoint(list(self._partitions), force=False)
            self._checkpoint(list(self._partitions), force=True)
        finally:
            kafka.close()
        return self.counters

    # Partition ownership ------------------------------------------------------------------------

    def _on_assign(self, partitions: list[int]) -> dict[int, int]:
        assert self._kafka is not None
        committed = self._kafka.committed(partitions)
        starts: dict[int, int] = {}
        for partition in partitions:
            checkpoint = self._store.latest(partition)
            start = 0 if checkpoint is None else checkpoint.next_offset
            log_start = self._kafka.log_start(partition)
            if start < log_start:
                raise MatcherError(
                    f"partition {partition} of {self._market.commands_topic}: commands before "
                    f"offset {log_start} are deleted and no checkpoint covers them (newest at "
                    f"{start}); the books cannot be rebuilt. Raise the topic's retention.ms."
                )
            published = committed[partition]
            if published is None:
                published = start
            elif published < start:
                _log.warning(
                    "partition %d: checkpoint at %d is ahead of the committed offset %d; "
                    "publishing resumes at the checkpoint",
                    partition,
                    start,
                    published,
                )
            self._partitions[partition] = _Partition(
                sessions={} if checkpoint is None else checkpoint.sessions,
                next_offset=start,
                replay_until=max(published, start),
                checkpoint_offset=start,
                checkpoint_at=self._clock(),
            )
            starts[partition] = start
            _log.info(
                "partition %d: %d markets from offset %d, publishing from %d",
                partition,
                len(self._partitions[partition].sessions),
                start,
                self._partitions[partition].replay_until,
            )
        self._assigned.set()
        return starts

    def _on_revoke(self, partitions: list[int]) -> None:
        # Called between batches: every applied command is committed, so this state is safe.
        self._checkpoint(partitions, force=True)
        for partition in partitions:
            self._partitions.pop(partition, None)

    # Matching -----------------------------------------------------------------------------------

    def _process(self, kafka: MatcherKafka, records: list[Message]) -> None:
        outputs: list[Output] = []
        next_offsets: dict[int, int] = {}
        live_counts: Counter[str] = Counter()
        for record in records:
            partition, offset = record.partition(), record.offset()
            assert partition is not None
            assert offset is not None
            state = self._partitions.get(partition)
            if state is None or offset < state.next_offset:
                continue
            is_live = offset >= state.replay_until
            record_outputs = self._apply(state, record, offset, count=is_live)
            state.next_offset = offset + 1
            if is_live:
                outputs += record_outputs
                next_offsets[partition] = offset + 1
                live_counts["commands"] += 1
                live_counts["trades"] += sum(
                    topic == self._market.trades_topic for topic, *_ in record_outputs
                )
            else:
                self.counters.replayed += 1
                metrics.REPLAYED.inc()
        if not next_offsets:
            return  # a batch of replayed commands only: nothing to publish or commit
        kafka.publish(outputs, next_offsets)
        self.counters.transactions += 1
        self.counters.commands += live_counts["commands"]
        self.counters.trades += live_counts["trades"]
        metrics.TRANSACTIONS.inc()
        metrics.COMMANDS.inc(live_counts["commands"])
        metrics.TRADES.inc(live_counts["trades"])

    def _apply(self, state: _Partition, record: Message, offset: int, count: bool) -> list[Output]:
        key, value = record.key(), record.value()
        market = self._market
        try:
            command = decode_command(key, value)
        except WireFormatError as exc:
            outcome = Outcome(rejection=Rejection(exc.reason, exc.detail))
        else:
            session = state.sessions.get(command.market)
            if session is None:
                session = state.sessions[command.market] = MarketSession(
                    command.market, self._config
                )
            outcome = session.apply(command, offset)
        outputs: list[Output] = []
        for trade in outcome.trades:
            outputs.append((market.trades_topic, trade.market.encode(), encode_trade(trade), None))
        for release in outcome.releases:
            outputs.append(
                (market.releases_topic, release.market.encode(), encode_release(release), None)
            )
        if outcome.book_delta is not None:
            delta = outcome.book_delta
            outputs.append(
                (market.book_deltas_topic, delta.market.encode(), encode_book_delta(delta), None)
            )
        if outcome.rejection is not None:
            reason, detail = outcome.rejection
            source = f"{record.topic()}/{record.partition()}/{offset}"
            outputs.append(
                (
                    market.dead_letter_topic,
                    key or b"",
                    value or b"",
                    [
                        ("reason", reason.value.encode()),
                        ("detail", detail.encode()),
                        ("source", source.encode()),
                    ],
                )
            )
            if count:
                _log.warning("command at %s refused: %s: %s", source, reason.value, detail)
                self.counters.rejected[reason.value] += 1
                metrics.REJECTED.labels(reason.value).inc()
        if count:
            for rejected in outcome.engine_rejections:
                self.counters.engine_rejected[rejected.reason.value] += 1
                metrics.ENGINE_REJECTED.labels(rejected.reason.value).inc()
        return outputs

    # Checkpoints --------------------------------------------------------------------------------

    def _checkpoint(self, partitions: list[int], *, force: bool) -> None:
        now = self._clock()
        for partition in partitions:
            state = self._partitions.get(partition)
            if state is None or not state.is_live or state.next_offset == state.checkpoint_offset:
                continue
            due = (
                force
                or state.next_offset - state.checkpoint_offset
                >= self._market.snapshot_every_commands
                or now - state.checkpoint_at >= self._market.snapshot_interval_s
            )
            if not due:
                continue
            try:
                self._store.save(partition, state.next_offset, state.sessions)
            except MatcherError as exc:
                # The books stay right (Kafka is the record); the next checkpoint tries again.
                _log.warning("checkpoint of partition %d failed: %s", partition, exc)
                metrics.SNAPSHOT_FAILURES.inc()
                continue
            state.checkpoint_offset = state.next_offset
            state.checkpoint_at = now
            self.counters.checkpoints += 1
            metrics.SNAPSHOTS.inc()
