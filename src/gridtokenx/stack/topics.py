"""The platform's Kafka topics, declared once; the stack creates them and grows their partitions."""

from __future__ import annotations

from dataclasses import dataclass, field

from gridtokenx.config import KafkaSettings

METER_READINGS = "meter-readings"
METER_READINGS_DEAD_LETTER = "meter-readings-dlq"
STACK_HEALTH = "stack-health"
ORDER_COMMANDS = "order-commands"
ORDER_COMMANDS_DEAD_LETTER = "order-commands-dlq"
TRADES = "trades"
BOOK_DELTAS = "book-deltas"
ORDER_RELEASES = "order-releases"

MARKET_PARTITIONS = 6
"""Partitions of the market topics. Not a setting: a market's partition is its key's hash modulo
this, so changing it moves markets between partitions and breaks the order of their commands."""

_DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)


def declared_topics(kafka: KafkaSettings) -> list[TopicSpec]:
    return [
        TopicSpec(
            METER_READINGS,
            kafka.meter_readings_partitions,
            {"retention.ms": str(7 * _DAY_MS), "compression.type": "producer"},
        ),
        # Rejected readings with their reason in the record headers, kept for inspection.
        TopicSpec(METER_READINGS_DEAD_LETTER, 1, {"retention.ms": str(30 * _DAY_MS)}),
        # One partition keeps the health round trip to a single, cheap consumer assignment.
        TopicSpec(STACK_HEALTH, 1, {"retention.ms": str(60 * 60 * 1000)}),
        # The market's record: books are rebuilt from a checkpoint plus the commands after it.
        TopicSpec(ORDER_COMMANDS, MARKET_PARTITIONS, {"retention.ms": str(30 * _DAY_MS)}),
        TopicSpec(ORDER_COMMANDS_DEAD_LETTER, 1, {"retention.ms": str(30 * _DAY_MS)}),
        # Settlement reads trades; book-deltas only feed live order-book views.
        TopicSpec(TRADES, MARKET_PARTITIONS, {"retention.ms": str(30 * _DAY_MS)}),
        TopicSpec(BOOK_DELTAS, MARKET_PARTITIONS, {"retention.ms": str(_DAY_MS)}),
        # IOC / post-only chain orders the matcher finished unfilled; settlement cancels them.
        TopicSpec(ORDER_RELEASES, MARKET_PARTITIONS, {"retention.ms": str(30 * _DAY_MS)}),
    ]
