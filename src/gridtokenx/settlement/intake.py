"""Trade intake: ``trades`` records → decoded trades → the ledger, then the Kafka offsets.
Records of the releases topic (``order-releases``) are stored as order releases the same way.

A record that is not a trade is counted, logged with its reason and source, and skipped: it can
never become one, and holding the partition for it would stop every later trade. While
PostgreSQL is unreachable the same records are retried (their offsets are not committed).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from confluent_kafka import Message

from gridtokenx.market.wire import ReleaseMessage, WireFormatError, decode_release, decode_trade
from gridtokenx.settlement import metrics
from gridtokenx.settlement.errors import SettlementStoreError
from gridtokenx.settlement.kafka_io import TradesConsumer
from gridtokenx.settlement.repository import ReceivedTrade, SettlementStore

_log = logging.getLogger(__name__)
_STORE_RETRY_S = 1.0


@dataclass
class IntakeCounters:
    received: int = 0
    duplicates: int = 0
    malformed: dict[str, int] = field(default_factory=dict)
    idle_polls: int = 0
    """Empty polls in a row since the consumer got its partitions."""


def decode_records(
    records: Sequence[Message],
    counters: IntakeCounters,
    releases_topic: str | None = None,
    releases: list[ReleaseMessage] | None = None,
) -> list[ReceivedTrade]:
    """The trades among ``records`` (and, into ``releases``, the records of ``releases_topic``);
    the others are counted and logged by reason."""
    trades: list[ReceivedTrade] = []
    for record in records:
        partition, offset = record.partition(), record.offset()
        assert partition is not None
        assert offset is not None
        try:
            if releases is not None and record.topic() == releases_topic:
                releases.append(decode_release(record.value() or b""))
                continue
            trade = decode_trade(record.value() or b"")
        except WireFormatError as exc:
            label = exc.reason.value
            counters.malformed[label] = counters.malformed.get(label, 0) + 1
            metrics.MALFORMED.labels(label).inc()
            _log.warning("skipped record %s/%d/%d: %s", record.topic(), partition, offset, exc)
            continue
        trades.append(ReceivedTrade(trade, partition, offset))
    return trades


class TradeIntake:
    def __init__(
        self,
        store: SettlementStore,
        consumer: TradesConsumer,
        *,
        batch_size: int,
        poll_timeout_s: float,
        on_new_trades: Callable[[], None] = lambda: None,
        releases_topic: str | None = None,
    ) -> None:
        self.store = store
        self.releases_topic = releases_topic
        self.consumer = consumer
        self.batch_size = batch_size
        self.poll_timeout_s = poll_timeout_s
        self.on_new_trades = on_new_trades
        self.counters = IntakeCounters()

    def poll_once(self, stop: threading.Event) -> int:
        """Read one batch, store it, commit it; returns how many new trades were stored."""
        records = self.consumer.poll(self.batch_size, self.poll_timeout_s)
        if not records:
            self.counters.idle_polls += self.consumer.assigned
            return 0
        self.counters.idle_polls = 0
        releases: list[ReleaseMessage] = []
        trades = decode_records(records, self.counters, self.releases_topic, releases)
        # Trades first: a release waits for the trades it names, never the other way round.
        new = self._store(trades, stop)
        if new is None:
            return 0  # stopping with the batch unstored: its offsets stay uncommitted
        new_releases = self._store_releases(releases, stop)
        if new_releases is None:
            return 0
        self.consumer.commit(records)
        duplicates = len(trades) - new
        self.counters.received += new
        self.counters.duplicates += duplicates
        metrics.TRADES_RECEIVED.inc(new)
        metrics.TRADES_DUPLICATE.inc(duplicates)
        if new or new_releases:
            self.on_new_trades()
        return new

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                self.poll_once(stop)
        finally:
            self.consumer.close()

    def _store_releases(self, releases: list[ReleaseMessage], stop: threading.Event) -> int | None:
        while True:
            try:
                return self.store.record_releases(releases)
            except SettlementStoreError as exc:
                metrics.CHAIN_ERRORS.labels("postgres").inc()
                _log.warning("storing %d releases failed, retrying: %s", len(releases), exc)
                if stop.wait(_STORE_RETRY_S):
                    return None

    def _store(self, trades: list[ReceivedTrade], stop: threading.Event) -> int | None:
        while True:
            try:
                return self.store.record_trades(trades)
            except SettlementStoreError as exc:
                metrics.CHAIN_ERRORS.labels("postgres").inc()
                _log.warning("storing %d trades failed, retrying: %s", len(trades), exc)
                if stop.wait(_STORE_RETRY_S):
                    return None
