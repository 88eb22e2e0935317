"""Pipeline health for operators, in one document: Kafka consumer lag per group, dead-letter
counts, ingest and mint rates, the settlement backlog, and the chain's slot and health.

Where each figure comes from:

* **Consumer lag** per partition = end offset (Kafka high watermark) minus the group's next
  offset. The matcher (``market.consumer_group`` on ``order-commands``) and settlement
  (``settlement.consumer_group`` on ``trades``) commit to Kafka; ingestion
  (``telemetry.consumer_group`` on ``meter-readings``) stores its next offsets in PostgreSQL
  (``ingest_offsets``, committed with the rows they produced), so its lag is read there. A
  partition never committed counts from its low watermark. Transactional producers leave a
  commit marker after each transaction, which occupies one offset: an idle, fully caught-up
  transactional topic shows a lag of at most one per partition.
* **Dead letters**: records each dead-letter topic holds (high minus low watermark, so records
  removed by retention are not counted).
* **Ingest**: readings produced to ``meter-readings`` in the window (Kafka's offsets at the
  window's start time, ``offsets_for_times``) and meters whose watermark moved in the window
  (``meter_watermarks.updated_at``); **mint**: confirmed mint submissions and their Wh in the
  window (``mint_submissions.resolved_at``).
* **Settlement backlog**: ``settlement_trades`` pending and submitted, with the oldest pending
  trade's age.
* **Chain**: ``getSlot`` and ``getHealth`` of the configured cluster.

Each section that cannot be read carries ``error`` instead of failing the whole document.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from confluent_kafka import Consumer, KafkaException, TopicPartition
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gridtokenx.chain.client import ChainClientError
from gridtokenx.chain.client.rpc import SolanaRpc
from gridtokenx.config import Settings
from gridtokenx.gateway.database import postgres_transaction
from gridtokenx.gateway.errors import UnavailableError

_KAFKA_TIMEOUT_S = 5.0


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


async def pipeline_health(
    settings: Settings,
    engine: AsyncEngine,
    rpc: SolanaRpc,
    *,
    now: datetime,
    window_s: int,
) -> dict[str, Any]:
    probe = KafkaProbe(settings.kafka.bootstrap_servers)
    since = now - timedelta(seconds=window_s)
    sections = await asyncio.gather(
        _consumer_groups(probe, engine, pipeline_groups(settings)),
        _dead_letters(
            probe, [settings.telemetry.dead_letter_topic, settings.market.dead_letter_topic]
        ),
        _ingest(probe, engine, settings.telemetry.readings_topic, since, window_s),
        _mint(engine, since, window_s),
        _settlement(engine, now),
        _chain(rpc),
    )
    names = ("consumer_groups", "dead_letters", "ingest", "mint", "settlement", "chain")
    return {
        "observed_at": now.isoformat(),
        "window_s": window_s,
        **dict(zip(names, sections, strict=True)),
    }


def _error(exc: BaseException) -> dict[str, Any]:
    return {"error": f"{type(exc).__name__}: {exc}"}


async def _consumer_groups(
    probe: KafkaProbe, engine: AsyncEngine, groups: list[GroupSpec]
) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = []
    for spec in groups:
        entry: dict[str, Any] = {
            "group": spec.group,
            "topic": spec.topic,
            "offsets_in": spec.offsets_in,
        }
        try:
            ends = await asyncio.to_thread(probe.watermarks, spec.topic)
            if spec.offsets_in == "postgres":
                committed = await _postgres_offsets(engine, spec.group, spec.topic)
            else:
                committed = await asyncio.to_thread(
                    probe.committed, spec.group, spec.topic, list(ends)
                )
            partitions = partition_lag(ends, committed)
            entry["partitions"] = partitions
            entry["total_lag"] = sum(int(row["lag"] or 0) for row in partitions)
        except (KafkaException, UnavailableError) as exc:
            entry.update(_error(exc))
        answers.append(entry)
    return answers


async def _postgres_offsets(engine: AsyncEngine, group: str, topic: str) -> dict[int, int | None]:
    async with postgres_transaction(engine) as connection:
        rows = (
            await connection.execute(
                text(
                    "SELECT partition, next_offset FROM ingest_offsets "
                    "WHERE consumer_group = :group AND topic = :topic"
                ),
                {"group": group, "topic": topic},
            )
        ).all()
    return {int(row.partition): int(row.next_offset) for row in rows}


async def _dead_letters(probe: KafkaProbe, topics: list[str]) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = []
    for topic in topics:
        try:
            ends = await asyncio.to_thread(probe.watermarks, topic)
            answers.append(
                {"topic": topic, "records": sum(high - low for low, high in ends.values())}
            )
        except KafkaException as exc:
            answers.append({"topic": topic, **_error(exc)})
    return answers


async def _ingest(
    probe: KafkaProbe, engine: AsyncEngine, topic: str, since: datetime, window_s: int
) -> dict[str, Any]:
    answer: dict[str, Any] = {"topic": topic}
    try:
        produced = await asyncio.to_thread(
            probe.produced_since, topic, int(since.timestamp() * 1000)
        )
        answer["readings_produced"] = produced
        answer["readings_produced_per_s"] = round(produced / window_s, 3)
    except KafkaException as exc:
        answer["kafka_error"] = _error(exc)["error"]
    try:
        async with postgres_transaction(engine) as connection:
            meters = (
                await connection.execute(
                    text("SELECT count(*) FROM meter_watermarks WHERE updated_at >= :since"),
                    {"since": since},
                )
            ).scalar_one()
        answer["meters_reporting"] = int(meters)
    except UnavailableError as exc:
        answer["postgres_error"] = _error(exc)["error"]
    return answer


async def _mint(engine: AsyncEngine, since: datetime, window_s: int) -> dict[str, Any]:
    try:
        async with postgres_transaction(engine) as connection:
            row = (
                await connection.execute(
                    text(
                        "SELECT count(*) FILTER (WHERE status = 'confirmed') AS confirmed, "
                        "coalesce(sum(minted_wh) FILTER (WHERE status = 'confirmed'), 0) AS wh, "
                        "count(*) FILTER (WHERE status = 'failed') AS failed "
                        "FROM mint_submissions WHERE resolved_at >= :since"
                    ),
                    {"since": since},
                )
            ).one()
            pending = (
                await connection.execute(
                    text("SELECT count(*) FROM mint_submissions WHERE status = 'pending'")
                )
            ).scalar_one()
    except UnavailableError as exc:
        return _error(exc)
    return {
        "confirmed": int(row.confirmed),
        "confirmed_per_s": round(int(row.confirmed) / window_s, 3),
        "minted_wh": int(row.wh),
        "failed": int(row.failed),
        "pending": int(pending),
    }


async def _settlement(engine: AsyncEngine, now: datetime) -> dict[str, Any]:
    try:
        async with postgres_transaction(engine) as connection:
            row = (
                await connection.execute(
                    text(
                        "SELECT count(*) FILTER (WHERE status = 'pending') AS pending, "
                        "count(*) FILTER (WHERE status = 'submitted') AS submitted, "
                        "min(received_at) FILTER (WHERE status = 'pending') AS oldest "
                        "FROM settlement_trades WHERE status IN ('pending', 'submitted')"
                    )
                )
            ).one()
    except UnavailableError as exc:
        return _error(exc)
    oldest: datetime | None = row.oldest
    return {
        "pending": int(row.pending),
        "submitted": int(row.submitted),
        "oldest_pending_age_s": None
        if oldest is None
        else max(round((now - oldest).total_seconds(), 3), 0.0),
    }


async def _chain(rpc: SolanaRpc) -> dict[str, Any]:
    started = time.monotonic()
    try:
        slot = await rpc.get_slot()
        health = await rpc.call("getHealth")
    except ChainClientError as exc:
        return {"rpc_url": rpc.url, **_error(exc)}
    return {
        "rpc_url": rpc.url,
        "slot": slot,
        "health": str(health),
        "rpc_round_trip_ms": round((time.monotonic() - started) * 1000, 1),
    }
