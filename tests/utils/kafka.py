"""Throw-away Kafka topics on the running stack."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from confluent_kafka import Consumer, Message, TopicPartition
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic


@contextmanager
def scratch_topics(bootstrap: str, partitions: dict[str, int]) -> Iterator[dict[str, str]]:
    """New topics (``label → unique name``) with the given partition counts, deleted after."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    names = {label: f"test-{label}-{uuid.uuid4().hex[:10]}" for label in partitions}
    futures = admin.create_topics(
        [NewTopic(names[label], count, 1) for label, count in partitions.items()]
    )
    for future in futures.values():
        future.result()
    try:
        yield names
    finally:
        for future in admin.delete_topics(list(names.values())).values():
            future.result()


def read_all(bootstrap: str, topic: str, partitions: int, timeout_s: float = 10.0) -> list[Message]:
    """Every record of ``topic`` up to its current end."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"read-{uuid.uuid4()}"})
    try:
        ends = {
            p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=timeout_s)[1]
            for p in range(partitions)
        }
        consumer.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
        records: list[Message] = []
        wanted = sum(ends.values())
        while len(records) < wanted:
            message = consumer.poll(timeout_s)
            assert message is not None, f"only {len(records)} of {wanted} records arrived"
            if message.error() is None:
                records.append(message)
        return records
    finally:
        consumer.close()
