"""Telling Kafka records from the consumer's error events in a batch from ``consume``."""

from __future__ import annotations

import logging

from confluent_kafka import KafkaError, Message

_log = logging.getLogger(__name__)


def is_record(message: Message) -> bool:
    """True for a record; consumer errors are logged (librdkafka retries them itself)."""
    error = message.error()
    if error is None:
        return True
    if error.code() != KafkaError._PARTITION_EOF:
        _log.warning("Kafka consumer error: %s", error)
    return False
