"""Rejected records to the dead-letter topic, unchanged, with why in the headers.

Headers: ``reason`` (a RejectReason value), ``detail`` (for people) and ``source``
(``topic/partition/offset`` of the original record). A crash between this write and the
PostgreSQL commit repeats the batch, so a record may be dead-lettered twice: ``source``
identifies the copies.
"""

from __future__ import annotations

from confluent_kafka import KafkaError, Message, Producer

from gridtokenx.telemetry.errors import StorageUnavailableError
from gridtokenx.telemetry.validation import Rejected


class DeadLetterPublisher:
    def __init__(self, bootstrap_servers: str, topic: str) -> None:
        self.topic = topic
        self._errors: list[str] = []
        self._producer = Producer(
            {"bootstrap.servers": bootstrap_servers, "enable.idempotence": True, "linger.ms": 5}
        )

    def _on_delivery(self, error: KafkaError | None, _: Message) -> None:
        if error is not None:
            self._errors.append(str(error))

    def publish(self, record: Message, rejection: Rejected) -> None:
        source = f"{record.topic()}/{record.partition()}/{record.offset()}"
        self._producer.produce(
            self.topic,
            key=record.key(),
            value=record.value(),
            headers=[
                ("reason", rejection.reason.value.encode()),
                ("detail", rejection.detail.encode()),
                ("source", source.encode()),
            ],
            on_delivery=self._on_delivery,
        )

    def flush(self, timeout_s: float = 30.0) -> None:
        remaining = self._producer.flush(timeout_s)
        if remaining or self._errors:
            errors, self._errors = self._errors, []
            raise StorageUnavailableError(
                f"{remaining} rejected records not delivered to {self.topic}: {errors[:3]}"
            )
