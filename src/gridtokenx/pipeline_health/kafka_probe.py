"""Kafka's side of the pipeline health: watermarks, committed offsets and records produced
since a time, read with a short-lived consumer per question (blocking: call it in a thread)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from confluent_kafka import Consumer, KafkaException, TopicPartition

_KAFKA_TIMEOUT_S = 5.0


class KafkaProbe:
    """Blocking confluent-kafka reads (run in a thread): watermarks, committed offsets of a
    group (read without joining it), offsets at a time."""

    def __init__(self, bootstrap: str) -> None:
        self._bootstrap = bootstrap

    def _consumer(self, group: str) -> Consumer:
        return Consumer(
            {
                "bootstrap.servers": self._bootstrap,
                "group.id": group,
                "enable.auto.commit": False,
                "socket.timeout.ms": int(_KAFKA_TIMEOUT_S * 1000),
            }
        )

    def partitions(self, consumer: Consumer, topic: str) -> list[int]:
        metadata = consumer.list_topics(topic, timeout=_KAFKA_TIMEOUT_S).topics.get(topic)
        if metadata is None or metadata.error is not None:
            raise KafkaException(f"topic {topic} is unknown to the broker")
        return sorted(metadata.partitions)

    def watermarks(self, topic: str) -> dict[int, tuple[int, int]]:
        consumer = self._consumer(f"gtx-operator-probe-{uuid.uuid4().hex[:8]}")
        try:
            return {
                p: consumer.get_watermark_offsets(
                    TopicPartition(topic, p), timeout=_KAFKA_TIMEOUT_S
                )
                for p in self.partitions(consumer, topic)
            }
        finally:
            consumer.close()

    def committed(self, group: str, topic: str, partitions: Sequence[int]) -> dict[int, int | None]:
        consumer = self._consumer(group)
        try:
            answer = consumer.committed(
                [TopicPartition(topic, p) for p in partitions], timeout=_KAFKA_TIMEOUT_S
            )
        finally:
            consumer.close()
        return {tp.partition: tp.offset if tp.offset >= 0 else None for tp in answer}

    def produced_since(self, topic: str, since_ms: int) -> int:
        """Records appended to ``topic`` at or after ``since_ms`` (record timestamps)."""
        consumer = self._consumer(f"gtx-operator-probe-{uuid.uuid4().hex[:8]}")
        try:
            partitions = self.partitions(consumer, topic)
            found = consumer.offsets_for_times(
                [TopicPartition(topic, p, since_ms) for p in partitions], timeout=_KAFKA_TIMEOUT_S
            )
            total = 0
            for tp in found:
                _, high = consumer.get_watermark_offsets(
                    TopicPartition(topic, tp.partition), timeout=_KAFKA_TIMEOUT_S
                )
                total += high - tp.offset if tp.offset >= 0 else 0
            return total
        finally:
            consumer.close()
