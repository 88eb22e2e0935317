"""Reading the operator audit log (``audit_log``, migration 0010_audit): filtered listing, newest
first, paged by keyset on the row id (the cursor is the last id; rows are never changed or
deleted, so a page never repeats or skips rows), and the same rows as CSV.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncEngine

from gridtokenx.gateway.audit import audit_log
from gridtokenx.gateway.database import postgres_transaction
from gridtokenx.gateway.order_repository import decode_cursor, encode_cursor

LISTING = "audit"
CSV_COLUMNS = ("id", "occurred_at", "actor_user_id", "action", "target", "reason", "details")


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRecord:
    id: int
    occurred_at: datetime
    actor_user_id: uuid.UUID
    action: str
    target: str
    reason: str
    details: dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditQuery:
    """Filters; ``None`` means any. ``target`` and ``action`` match exactly, or as a prefix
    when they end with ``*`` (``user:*``, ``simulator.*``); the time range is half-open."""

    actor_user_id: uuid.UUID | None = None
    action: str | None = None
    target: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def audit_page(
    engine: AsyncEngine, query: AuditQuery, *, limit: int, cursor: str | None
) -> tuple[list[AuditRecord], str | None]:
    """Up to ``limit`` rows newest first, and the cursor of the next page (None: last page)."""
    conditions = _conditions(query)
    if cursor is not None:
        (before,) = decode_cursor(LISTING, cursor, (int,))
        conditions.append(audit_log.c.id < before)
    async with postgres_transaction(engine) as connection:
        rows = (
            await connection.execute(
                select(audit_log).where(*conditions).order_by(audit_log.c.id.desc()).limit(limit)
            )
        ).all()
    records = [_record(row) for row in rows]
    following = encode_cursor(LISTING, [records[-1].id]) if len(records) == limit else None
    return records, following


async def audit_csv(engine: AsyncEngine, query: AuditQuery, *, max_rows: int) -> str:
    """The matching rows (newest first, at most ``max_rows``) as CSV with a header row."""
    async with postgres_transaction(engine) as connection:
        rows = (
            await connection.execute(
                select(audit_log)
                .where(*_conditions(query))
                .order_by(audit_log.c.id.desc())
                .limit(max_rows)
            )
        ).all()
    return csv_text(
        CSV_COLUMNS,
        (
            (
                record.id,
                record.occurred_at.isoformat(),
                record.actor_user_id,
                record.action,
                record.target,
                record.reason,
                json.dumps(record.details, sort_keys=True, separators=(",", ":")),
            )
            for record in map(_record, rows)
        ),
    )


def csv_text(header: Sequence[str], rows: Any) -> str:
    """RFC 4180 CSV (CRLF line ends, quotes where needed). Cells that a spreadsheet would run
    as a formula (leading ``=``, ``+``, ``-``, ``@``) get a leading apostrophe, since reasons and
    targets are typed by people."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value


def _conditions(query: AuditQuery) -> list[Any]:
    conditions: list[Any] = []
    if query.actor_user_id is not None:
        conditions.append(audit_log.c.actor_user_id == query.actor_user_id)
    for column, value in ((audit_log.c.action, query.action), (audit_log.c.target, query.target)):
        if value is None:
            continue
        if value.endswith("*"):
            escaped = value[:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(column.like(f"{escaped}%"))
        else:
            conditions.append(column == value)
    if query.since is not None:
        conditions.append(audit_log.c.occurred_at >= query.since)
    if query.until is not None:
        conditions.append(audit_log.c.occurred_at < query.until)
    return conditions


def _record(row: Row[Any]) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        occurred_at=row.occurred_at,
        actor_user_id=row.actor_user_id,
        action=row.action,
        target=row.target,
        reason=row.reason,
        details=dict(row.details),
    )
