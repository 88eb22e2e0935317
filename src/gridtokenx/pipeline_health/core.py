"""What the pipeline health reader computes without I/O: the consumer groups it watches and
each partition's lag (see :mod:`gridtokenx.pipeline_health`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gridtokenx.config import Settings


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupSpec:
    group: str
    topic: str
    offsets_in: str
    """``kafka`` (committed offsets) or ``postgres`` (``ingest_offsets``)."""


def pipeline_groups(settings: Settings) -> list[GroupSpec]:
    return [
        GroupSpec(
            group=settings.telemetry.consumer_group,
            topic=settings.telemetry.readings_topic,
            offsets_in="postgres",
        ),
        GroupSpec(
            group=settings.market.consumer_group,
            topic=settings.market.commands_topic,
            offsets_in="kafka",
        ),
        GroupSpec(
            group=settings.settlement.consumer_group,
            topic=settings.market.trades_topic,
            offsets_in="kafka",
        ),
    ]


def partition_lag(
    ends: Mapping[int, tuple[int, int]], committed: Mapping[int, int | None]
) -> list[dict[str, int | None]]:
    """Per partition: the committed next offset (None: never), the end offset and the lag,
    counting an uncommitted partition from its low watermark. ``ends`` maps each partition to
    its (low, high) watermarks."""
    rows: list[dict[str, int | None]] = []
    for partition in sorted(ends):
        low, high = ends[partition]
        next_offset = committed.get(partition)
        start = low if next_offset is None else max(next_offset, low)
        rows.append(
            {
                "partition": partition,
                "committed": next_offset,
                "end": high,
                "lag": max(high - start, 0),
            }
        )
    return rows
