"""The market-data feed: ``trades`` + ``book-deltas`` (Kafka, read_committed) → Redis.

It assigns itself every partition of both topics from the start and commits nothing: its state
is a pure function of the matcher's records (:class:`~.state.MarketFeed` per market), so a
restarted feed rebuilds it by reading them again. It first catches up without publishing (until
a poll comes back empty), then writes every channel's snapshot, then per batch publishes each
update together with the new snapshot of its channel (:mod:`~.bus`). Sequences come from the
matcher (:mod:`~.views`), so a rebuilt feed continues where the gateway workers are.

A Redis failure loses no state: the feed keeps folding, and once Redis answers again it rewrites
every snapshot; workers that missed updates see a gap and reload. Several feeds may run at once
(the same updates twice are dropped as stale).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable

import redis
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Message, TopicPartition

from gridtokenx.config import Settings
from gridtokenx.gateway.feed import metrics
from gridtokenx.gateway.feed.bus import BusKeys, dumps, snapshot_document
from gridtokenx.gateway.feed.errors import FeedUnavailableError
from gridtokenx.gateway.feed.state import MarketFeed, Update
from gridtokenx.kafka_records import is_record
from gridtokenx.market.wire import (
    TradeMessage,
    WireFormatError,
    decode_book_delta,
    decode_trade,
)

_log = logging.getLogger(__name__)
_METADATA_TIMEOUT_S = 10.0
_REDIS_RETRY_S = 1.0


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class MarketDataFeed:
    def __init__(
        self,
        settings: Settings,
        redis_client: redis.Redis,
        clock_ms: Callable[[], int] = _now_ms,
    ) -> None:
        self._settings = settings.market_data
        self._trades_topic = settings.market.trades_topic
        self._deltas_topic = settings.market.book_deltas_topic
        self._bootstrap = f"{settings.kafka.host}:{settings.kafka.port}"
        self._redis = redis_client
        self._keys = BusKeys(self._settings.redis_prefix)
        self._clock_ms = clock_ms
        self._stop = threading.Event()
        self.markets: dict[str, MarketFeed] = {}
        self.caught_up = threading.Event()
        """Set once the records present at start are folded and the snapshots written."""
        self._rewrite_all = True

    def stop(self) -> None:
        self._stop.set()

    def run(self, max_idle_polls: int | None = None) -> None:
        consumer = Consumer(
            {
                "bootstrap.servers": self._bootstrap,
                "group.id": self._settings.consumer_group,
                "enable.auto.commit": False,
                "isolation.level": "read_committed",
                "auto.offset.reset": "earliest",
            }
        )
        try:
            consumer.assign(self._partitions(consumer))
            self._run(consumer, max_idle_polls)
        finally:
            consumer.close()

    def _partitions(self, consumer: Consumer) -> list[TopicPartition]:
        try:
            metadata = consumer.list_topics(timeout=_METADATA_TIMEOUT_S)
        except KafkaException as exc:
            raise FeedUnavailableError(f"Kafka at {self._bootstrap}: {exc}") from exc
        partitions = []
        for topic in (self._trades_topic, self._deltas_topic):
            if topic not in metadata.topics:
                raise FeedUnavailableError(
                    f"topic {topic} does not exist on {self._bootstrap}; start the stack first"
                )
            partitions += [
                TopicPartition(topic, partition, OFFSET_BEGINNING)
                for partition in metadata.topics[topic].partitions
            ]
        return partitions

    def _run(self, consumer: Consumer, max_idle_polls: int | None) -> None:
        idle = 0
        next_stats_ms = self._clock_ms()
        timeout_s = self._settings.poll_timeout_ms / 1000
        while not self._stop.is_set():
            records = [
                record
                for record in consumer.consume(self._settings.batch_size, timeout_s)
                if is_record(record)
            ]
            updates = self._fold(records)
            live = self.caught_up.is_set()
            if not records:
                idle += 1
                if max_idle_polls is not None and idle >= max_idle_polls and live:
                    return
            else:
                idle = 0
            now_ms = self._clock_ms()
            if now_ms >= next_stats_ms:
                next_stats_ms = now_ms + int(self._settings.stats_refresh_interval_s * 1000)
                for market in self.markets.values():
                    updates += market.refresh_stats(max(now_ms, market.stats.sequence))
            if live:
                self._publish(updates)
            elif not records:
                self._publish([])
                if not self._rewrite_all:
                    self.caught_up.set()
                    _log.info("caught up: %d markets", len(self.markets))

    def _fold(self, records: list[Message]) -> list[Update]:
        updates: list[Update] = []
        trades: dict[str, list[TradeMessage]] = defaultdict(list)
        for record in records:
            topic = record.topic()
            value = record.value() or b""
            try:
                if topic == self._deltas_topic:
                    delta = decode_book_delta(value)
                    market = self._market(delta.market)
                    gaps = market.gaps
                    updates += market.apply_book_delta(delta)
                    metrics.BOOK_GAPS.inc(market.gaps - gaps)
                else:
                    trade = decode_trade(value)
                    trades[trade.market].append(trade)
            except WireFormatError as exc:
                _log.warning(
                    "record %s/%s/%s skipped: %s", topic, record.partition(), record.offset(), exc
                )
                metrics.MALFORMED.inc()
                continue
            metrics.RECORDS.labels(topic).inc()
        for market_id, batch in trades.items():
            updates += self._market(market_id).apply_trades(batch)
        return updates

    def _market(self, market: str) -> MarketFeed:
        feed = self.markets.get(market)
        if feed is None:
            feed = self.markets[market] = MarketFeed(
                market,
                recent_trades=self._settings.recent_trades,
                candles_kept=self._settings.candles_kept,
            )
            self._rewrite_all = True
            metrics.MARKETS.set(len(self.markets))
        return feed

    def _publish(self, updates: list[Update]) -> None:
        """Write the snapshots of the channels ``updates`` touched (every channel after a
        failure or a new market) and publish the updates, in one MULTI/EXEC."""
        if not updates and not self._rewrite_all:
            return
        views = {
            name: view for feed in self.markets.values() for name, view in feed.views().items()
        }
        touched = views if self._rewrite_all else {u.channel: views[u.channel] for u in updates}
        pipeline = self._redis.pipeline(transaction=True)
        if self.markets:
            pipeline.sadd(self._keys.markets, *self.markets)
        for name, view in touched.items():
            pipeline.set(
                self._keys.snapshot(name), snapshot_document(name, view.sequence, view.snapshot())
            )
        for update in updates:
            pipeline.publish(self._keys.updates(update.channel), dumps(update.to_json()))
        try:
            pipeline.execute()
        except redis.RedisError as exc:
            _log.warning("Redis write failed (%s); snapshots are rewritten when it answers", exc)
            metrics.REDIS_FAILURES.inc()
            self._rewrite_all = True
            self._stop.wait(_REDIS_RETRY_S)
            return
        self._rewrite_all = False
        metrics.UPDATES.inc(len(updates))
