"""The matching service's Kafka side: a group consumer and a transactional producer.

Each batch's outputs (trades, book deltas, dead letters) and the consumer's next offsets are
committed in one Kafka transaction (``send_offsets_to_transaction``), so they become visible to
``read_committed`` readers together or not at all. The transactional id is the service's
``instance_id``: a restarted process fences its predecessor and aborts the transaction it left
open, and the consumer group's generation fences a process that lost its partitions (KIP-447).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer, TopicPartition

from gridtokenx.config import KafkaSettings, MarketSettings
from gridtokenx.kafka_records import is_record
from gridtokenx.market.service_errors import MatcherTransactionError

_log = logging.getLogger(__name__)
_TIMEOUT_S = 30.0

Output = tuple[str, bytes, bytes, list[tuple[str, str | bytes | None]] | None]
"""A record to publish: topic, key, value, headers."""

AssignHandler = Callable[[list[int]], dict[int, int]]
"""Given newly assigned partitions, the offset to start reading each of them at."""
RevokeHandler = Callable[[list[int]], None]


class MatcherKafka:
    def __init__(
        self,
        kafka: KafkaSettings,
        market: MarketSettings,
        on_assign: AssignHandler,
        on_revoke: RevokeHandler,
    ) -> None:
        self._topic = market.commands_topic
        self._producer = Producer(
            {
                "bootstrap.servers": kafka.bootstrap_servers,
                "transactional.id": f"{market.consumer_group}.{market.instance_id}",
                "enable.idempotence": True,
                "transaction.timeout.ms": market.transaction_timeout_ms,
                "linger.ms": 5,
            }
        )
        try:
            self._producer.init_transactions(_TIMEOUT_S)
        except KafkaException as exc:
            raise MatcherTransactionError(f"Kafka transactions unavailable: {exc}") from exc
        self._consumer = Consumer(
            {
                "bootstrap.servers": kafka.bootstrap_servers,
                "group.id": market.consumer_group,
                "group.instance.id": market.instance_id,
                "session.timeout.ms": market.session_timeout_ms,
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                # Commands may come from a transactional producer too; never act on aborted ones.
                "isolation.level": "read_committed",
            }
        )

        def assign(consumer: Consumer, partitions: list[TopicPartition]) -> None:
            starts = on_assign([partition.partition for partition in partitions])
            for partition in partitions:
                partition.offset = starts[partition.partition]
            consumer.assign(partitions)

        def revoke(consumer: Consumer, partitions: list[TopicPartition]) -> None:
            on_revoke([partition.partition for partition in partitions])
            consumer.unassign()

        self._consumer.subscribe([self._topic], on_assign=assign, on_revoke=revoke, on_lost=revoke)

    def committed(self, partitions: Sequence[int]) -> dict[int, int | None]:
        """The group's committed next offset of each partition (``None``: never committed)."""
        answer = self._consumer.committed(
            [TopicPartition(self._topic, partition) for partition in partitions], _TIMEOUT_S
        )
        return {tp.partition: tp.offset if tp.offset >= 0 else None for tp in answer}

    def log_start(self, partition: int) -> int:
        """The oldest offset ``partition`` still holds (retention deletes older ones)."""
        low, _ = self._consumer.get_watermark_offsets(
            TopicPartition(self._topic, partition), _TIMEOUT_S
        )
        return int(low)

    def poll(self, max_records: int, timeout_s: float) -> list[Message]:
        records = self._consumer.consume(max_records, timeout_s)
        return [record for record in records if is_record(record)]

    def publish(self, outputs: Sequence[Output], next_offsets: dict[int, int]) -> None:
        """Publish ``outputs`` and commit ``next_offsets`` in one transaction, or raise
        MatcherTransactionError with nothing of it visible."""
        producer = self._producer
        try:
            producer.begin_transaction()
            for topic, key, value, headers in outputs:
                producer.produce(topic, value=value, key=key, headers=headers)
            producer.send_offsets_to_transaction(
                [TopicPartition(self._topic, p, offset) for p, offset in next_offsets.items()],
                self._consumer.consumer_group_metadata(),
                _TIMEOUT_S,
            )
            producer.commit_transaction(_TIMEOUT_S)
        except (KafkaException, BufferError) as exc:
            self._abort(exc)
            raise MatcherTransactionError(f"a matcher transaction failed: {exc}") from exc

    def _abort(self, cause: Exception) -> None:
        error = cause.args[0] if cause.args else None
        if isinstance(error, KafkaError) and error.fatal():
            return  # a fenced producer cannot abort; its transaction is already aborted
        try:
            self._producer.abort_transaction(_TIMEOUT_S)
        except KafkaException as exc:
            _log.warning("aborting the failed transaction failed too: %s", exc)

    def close(self) -> None:
        self._consumer.close()
        self._producer.flush(_TIMEOUT_S)
