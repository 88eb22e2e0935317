"""The settlement service's Kafka side: a group consumer of ``trades`` (and ``order-releases``)
that commits offsets only after the records are stored.

The matcher publishes trades in Kafka transactions, so the consumer reads ``read_committed``:
an aborted transaction's trades are never settled. Offsets are committed synchronously after
PostgreSQL committed the batch; a crash in between redelivers records the ledger already holds,
and storing is idempotent on (market, trade_id).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from confluent_kafka import Consumer, KafkaException, Message, TopicPartition

from gridtokenx.config import KafkaSettings, SettlementSettings
from gridtokenx.kafka_records import is_record

_log = logging.getLogger(__name__)


class TradesConsumer:
    def __init__(
        self,
        kafka: KafkaSettings,
        settlement: SettlementSettings,
        topic: str,
        *other_topics: str,
    ) -> None:
        self.topic = topic
        self.assigned = False
        self._consumer = Consumer(
            {
                "bootstrap.servers": kafka.bootstrap_servers,
                "group.id": settlement.consumer_group,
                "group.instance.id": settlement.instance_id,
                "session.timeout.ms": settlement.session_timeout_ms,
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "isolation.level": "read_committed",
            }
        )

        def on_assign(consumer: Consumer, partitions: list[TopicPartition]) -> None:
            self.assigned = True
            consumer.assign(partitions)

        self._consumer.subscribe([topic, *other_topics], on_assign=on_assign)

    def poll(self, max_records: int, timeout_s: float) -> list[Message]:
        records = self._consumer.consume(max_records, timeout_s)
        return [record for record in records if is_record(record)]

    def commit(self, records: Sequence[Message]) -> None:
        """Commit the offsets after ``records``; a failed commit only means redelivery."""
        next_offsets: dict[tuple[str, int], int] = {}
        for record in records:
            topic, partition, offset = record.topic(), record.partition(), record.offset()
            assert topic is not None
            assert partition is not None
            assert offset is not None
            key = (topic, partition)
            next_offsets[key] = max(next_offsets.get(key, 0), offset + 1)
        if not next_offsets:
            return
        try:
            self._consumer.commit(
                offsets=[TopicPartition(t, p, o) for (t, p), o in next_offsets.items()],
                asynchronous=False,
            )
        except KafkaException as exc:
            _log.warning("committing trade offsets failed (they will be read again): %s", exc)

    def close(self) -> None:
        self._consumer.close()
