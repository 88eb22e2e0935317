"""The pipeline health document (:func:`pipeline_health`): PostgreSQL, Kafka and the chain
read concurrently, one section each; a section that cannot be read carries ``error``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from confluent_kafka import KafkaException
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gridtokenx.chain.client import ChainClientError
from gridtokenx.chain.client.rpc import SolanaRpc
from gridtokenx.config import Settings
from gridtokenx.pipeline_health.core import GroupSpec, partition_lag, pipeline_groups
from gridtokenx.pipeline_health.kafka_probe import KafkaProbe

_POSTGRES_ERRORS = (DBAPIError, OSError)
"""What an unreachable or failing PostgreSQL raises: the section reports it."""


@asynccontextmanager
async def _postgres(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.begin() as connection:
        yield connection


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
        except (KafkaException, *_POSTGRES_ERRORS) as exc:
            entry.update(_error(exc))
        answers.append(entry)
    return answers


async def _postgres_offsets(engine: AsyncEngine, group: str, topic: str) -> dict[int, int | None]:
    async with _postgres(engine) as connection:
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
        async with _postgres(engine) as connection:
            meters = (
                await connection.execute(
                    text("SELECT count(*) FROM meter_watermarks WHERE updated_at >= :since"),
                    {"since": since},
                )
            ).scalar_one()
        answer["meters_reporting"] = int(meters)
    except _POSTGRES_ERRORS as exc:
        answer["postgres_error"] = _error(exc)["error"]
    return answer


async def _mint(engine: AsyncEngine, since: datetime, window_s: int) -> dict[str, Any]:
    try:
        async with _postgres(engine) as connection:
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
    except _POSTGRES_ERRORS as exc:
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
        async with _postgres(engine) as connection:
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
    except _POSTGRES_ERRORS as exc:
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
