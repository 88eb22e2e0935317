"""A private matching service on the running stack: its own topics, database and group."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from confluent_kafka import (
    OFFSET_BEGINNING,
    Consumer,
    KafkaError,
    KafkaException,
    Message,
    Producer,
    TopicPartition,
)

from gridtokenx.config import MarketSettings, Settings
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.market.snapshots import SnapshotStore
from gridtokenx.market.wire import OrderCommand, encode_command
from tests.utils.databases import scratch_database
from tests.utils.kafka import scratch_topics

PARTITIONS = 3
TOPICS = {
    "commands": PARTITIONS,
    "trades": PARTITIONS,
    "deltas": PARTITIONS,
    "releases": PARTITIONS,
    "rejected": 1,
}


@dataclass
class PrivateMarket:
    settings: Settings
    producer: Producer
    offsets_reader: Consumer
    """A consumer of the matcher's group that never joins it: reads its committed offsets."""

    @property
    def market(self) -> MarketSettings:
        return self.settings.market

    def publish(self, records: Sequence[tuple[bytes, bytes]]) -> list[tuple[int, int]]:
        """Publish ``(key, value)`` records in order; their ``(partition, offset)`` each."""
        placed: list[tuple[int, int] | None] = [None] * len(records)

        def delivered(index: int) -> Callable[[KafkaError | None, Message], None]:
            def on_delivery(error: KafkaError | None, message: Message) -> None:
                assert error is None, error
                partition, offset = message.partition(), message.offset()
                assert partition is not None
                assert offset is not None
                placed[index] = (partition, offset)

            return on_delivery

        for index, (key, value) in enumerate(records):
            self.producer.produce(
                self.market.commands_topic, value=value, key=key, on_delivery=delivered(index)
            )
            self.producer.poll(0)
        assert self.producer.flush(30) == 0
        assert all(place is not None for place in placed)
        return [place for place in placed if place is not None]

    def publish_commands(self, commands: Sequence[OrderCommand]) -> list[tuple[int, int]]:
        return self.publish([(c.market.encode(), encode_command(c)) for c in commands])

    def environment(self) -> dict[str, str]:
        """Environment for a `gridtokenx market match` process on this private market."""
        market = self.market
        return {
            **os.environ,
            "GRIDTOKENX_POSTGRES__DATABASE": self.settings.postgres.database,
            "GRIDTOKENX_MARKET__COMMANDS_TOPIC": market.commands_topic,
            "GRIDTOKENX_MARKET__TRADES_TOPIC": market.trades_topic,
            "GRIDTOKENX_MARKET__BOOK_DELTAS_TOPIC": market.book_deltas_topic,
            "GRIDTOKENX_MARKET__RELEASES_TOPIC": market.releases_topic,
            "GRIDTOKENX_MARKET__DEAD_LETTER_TOPIC": market.dead_letter_topic,
            "GRIDTOKENX_MARKET__CONSUMER_GROUP": market.consumer_group,
            "GRIDTOKENX_MARKET__INSTANCE_ID": market.instance_id,
            "GRIDTOKENX_MARKET__BATCH_SIZE": str(market.batch_size),
            "GRIDTOKENX_MARKET__POLL_TIMEOUT_MS": str(market.poll_timeout_ms),
            "GRIDTOKENX_MARKET__SNAPSHOT_EVERY_COMMANDS": str(market.snapshot_every_commands),
        }

    def store(self) -> SnapshotStore:
        market = self.market
        return SnapshotStore(
            self.settings.postgres.url, market.consumer_group, market.commands_topic, keep=3
        )

    def committed_offsets(self) -> int:
        """Commands the group has committed (published the outputs of), over all partitions."""
        answer = self.offsets_reader.committed(
            [TopicPartition(self.market.commands_topic, p) for p in range(PARTITIONS)], 10
        )
        return sum(max(tp.offset, 0) for tp in answer)

    def read_committed(self, topic: str, partitions: int) -> list[Message]:
        """Every committed record of ``topic`` (what a read_committed consumer sees)."""
        consumer = Consumer(
            {
                "bootstrap.servers": self.settings.kafka.bootstrap_servers,
                "group.id": f"read-{uuid.uuid4()}",
                "isolation.level": "read_committed",
                "enable.partition.eof": True,
                "enable.auto.commit": False,
            }
        )
        try:
            consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
            records: list[Message] = []
            at_end: set[int] = set()
            while len(at_end) < partitions:
                message = consumer.poll(10)
                assert message is not None, f"{topic}: no end of partitions after {len(records)}"
                error = message.error()
                if error is None:
                    records.append(message)
                elif error.code() == KafkaError._PARTITION_EOF:
                    partition = message.partition()
                    assert partition is not None
                    at_end.add(partition)
                else:
                    raise KafkaException(error)
            return records
        finally:
            consumer.close()


@contextmanager
def private_market(stack: Settings, **market: object) -> Iterator[PrivateMarket]:
    with (
        scratch_database(stack.postgres) as postgres,
        scratch_topics(stack.kafka.bootstrap_servers, TOPICS) as topics,
    ):
        upgrade_to_head(postgres.url)
        tag = uuid.uuid4().hex[:8]
        settings = stack.model_copy(
            update={
                "postgres": postgres,
                "market": MarketSettings(
                    commands_topic=topics["commands"],
                    trades_topic=topics["trades"],
                    book_deltas_topic=topics["deltas"],
                    releases_topic=topics["releases"],
                    dead_letter_topic=topics["rejected"],
                    consumer_group=f"test-matcher-{tag}",
                    instance_id=f"test-matcher-{tag}",
                    poll_timeout_ms=100,
                    **market,  # type: ignore[arg-type]
                ),
            }
        )
        producer = Producer(
            {
                "bootstrap.servers": stack.kafka.bootstrap_servers,
                "enable.idempotence": True,
                "linger.ms": 5,
            }
        )
        offsets_reader = Consumer(
            {
                "bootstrap.servers": stack.kafka.bootstrap_servers,
                "group.id": settings.market.consumer_group,
                # read_committed (the default) would wait for a killed matcher's open
                # transaction to be aborted before answering; progress needs no such wait.
                "isolation.level": "read_uncommitted",
            }
        )
        try:
            yield PrivateMarket(settings, producer, offsets_reader)
        finally:
            offsets_reader.close()
