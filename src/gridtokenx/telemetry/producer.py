"""Publishing signed readings to Kafka (the simulator's and a meter gateway's side).

Idempotent producer (no duplicates from retries), keyed by meter id (per-meter order),
batched with lz4 compression.
"""

from __future__ import annotations

from confluent_kafka import KafkaError, Message, Producer

from gridtokenx.telemetry.envelope import encode_envelope
from gridtokenx.telemetry.errors import StorageUnavailableError


class ReadingProducer:
    def __init__(self, bootstrap_servers: str, topic: str, linger_ms: int = 20) -> None:
        self.topic = topic
        self._errors: list[str] = []
        self._producer = Producer(
            {
                "bootstrap.servers": bootstrap_servers,
                "enable.idempotence": True,
                "compression.type": "lz4",
                "linger.ms": linger_ms,
                "batch.num.messages": 10_000,
                "queue.buffering.max.messages": 1_000_000,
            }
        )

    def _on_delivery(self, error: KafkaError | None, _: Message) -> None:
        if error is not None:
            self._errors.append(str(error))

    def publish(self, meter_id: bytes, message: bytes, signature: bytes) -> None:
        """Queue one reading; ``flush`` reports whether everything queued was delivered."""
        while True:
            try:
                self._producer.produce(
                    self.topic,
                    key=meter_id,
                    value=encode_envelope(message, signature),
                    on_delivery=self._on_delivery,
                )
                return
            except BufferError:
                # The local queue is full: let librdkafka send some before queueing more.
                self._producer.poll(0.1)

    def publish_raw(self, key: bytes | None, value: bytes) -> None:
        """Queue a record as given (fault injection and tests of malformed input)."""
        self._producer.produce(self.topic, key=key, value=value, on_delivery=self._on_delivery)

    def flush(self, timeout_s: float = 30.0) -> None:
        remaining = self._producer.flush(timeout_s)
        if remaining or self._errors:
            errors, self._errors = self._errors, []
            raise StorageUnavailableError(
                f"{remaining} readings not delivered to {self.topic}; errors: {errors[:3]} "
                "(is Kafka up? `gridtokenx stack status kafka`)"
            )
