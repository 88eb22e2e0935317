"""The platform's Kafka topics, declared once; the stack creates them and grows their partitions."""

from __future__ import annotations

from dataclasses import dataclass, field

from gridtokenx.config import KafkaSettings

METER_READINGS = "meter-readings"
METER_READINGS_DEAD_LETTER = "meter-readings-dlq"
STACK_HEALTH = "stack-health"

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
    ]
