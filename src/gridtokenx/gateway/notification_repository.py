"""A user's in-app notifications and notification preferences in PostgreSQL (tables of
migration ``0012_notifications``). Every query is scoped to one account: a notification of
another account is as absent as one that does not exist.

Listings are newest first by ``id`` (immutable, increasing), paged by keyset: the opaque
cursor is the last row's id, so a page never repeats or skips rows when new ones arrive.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gridtokenx.gateway.database import postgres_transaction
from gridtokenx.notifications.events import (
    CHANNELS,
    NOTIFICATION_KINDS,
    Channel,
    NotificationKind,
    channel_enabled,
)

_COLUMNS = "id, kind, title, body, data, created_at, read_at"


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationRecord:
    id: int
    kind: str
    title: str
    body: str
    data: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    """Where a user can be reached: their verified address (if any) and stored preferences."""

    verified_email: str | None
    preferences: dict[tuple[str, str], bool]


def _record(row: Row[Any]) -> NotificationRecord:
    values = row._mapping
    return NotificationRecord(
        id=values["id"],
        kind=values["kind"],
        title=values["title"],
        body=values["body"],
        data=dict(values["data"] or {}),
        created_at=values["created_at"],
        read_at=values["read_at"],
    )


class NotificationRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def page(
        self, user_id: uuid.UUID, *, unread_only: bool, before_id: int | None, limit: int
    ) -> tuple[list[NotificationRecord], int]:
        """Up to ``limit`` notifications older than ``before_id``, newest first, and how many
        of the user's notifications are unread."""
        conditions = ["user_id = :user_id"]
        if unread_only:
            conditions.append("read_at IS NULL")
        if before_id is not None:
            conditions.append("id < :before_id")
        query = text(
            f"SELECT {_COLUMNS} FROM notifications WHERE {' AND '.join(conditions)} "  # noqa: S608
            "ORDER BY id DESC LIMIT :limit"
        )
        params = {"user_id": user_id, "before_id": before_id, "limit": limit}
        async with postgres_transaction(self._engine) as connection:
            rows = (await connection.execute(query, params)).all()
            unread = (
                await connection.execute(
                    text(
                        "SELECT count(*) FROM notifications "
                        "WHERE user_id = :user_id AND read_at IS NULL"
                    ),
                    {"user_id": user_id},
                )
            ).scalar_one()
        return [_record(row) for row in rows], int(unread)

    async def mark_read(
        self, user_id: uuid.UUID, notification_id: int, now: datetime
    ) -> NotificationRecord | None:
        """Mark one of the user's notifications read (kept as first read); None if the user has
        no notification ``notification_id``."""
        async with postgres_transaction(self._engine) as connection:
            row = (
                await connection.execute(
                    text(
                        "UPDATE notifications SET read_at = coalesce(read_at, :now) "  # noqa: S608
                        "WHERE id = :id AND user_id = :user_id "
                        f"RETURNING {_COLUMNS}"
                    ),
                    {"id": notification_id, "user_id": user_id, "now": now},
                )
            ).first()
        return _record(row) if row is not None else None

    async def mark_all_read(self, user_id: uuid.UUID, now: datetime) -> int:
        async with postgres_transaction(self._engine) as connection:
            result = await connection.execute(
                text(
                    "UPDATE notifications SET read_at = :now "
                    "WHERE user_id = :user_id AND read_at IS NULL"
                ),
                {"user_id": user_id, "now": now},
            )
        return int(result.rowcount)

    async def preferences(self, user_id: uuid.UUID) -> dict[tuple[str, str], bool]:
        """The user's stored choices (missing pairs take their kind's default)."""
        async with postgres_transaction(self._engine) as connection:
            return await _stored_preferences(connection, user_id)

    async def set_preferences(
        self, user_id: uuid.UUID, updates: Mapping[tuple[NotificationKind, Channel], bool]
    ) -> dict[tuple[str, str], bool]:
        async with postgres_transaction(self._engine) as connection:
            for (kind, channel), enabled in sorted(updates.items()):
                await connection.execute(
                    text(
                        "INSERT INTO notification_preferences (user_id, kind, channel, enabled) "
                        "VALUES (:user_id, :kind, :channel, :enabled) "
                        "ON CONFLICT (user_id, kind, channel) DO UPDATE SET "
                        "enabled = EXCLUDED.enabled, updated_at = now()"
                    ),
                    {"user_id": user_id, "kind": kind, "channel": channel, "enabled": enabled},
                )
            return await _stored_preferences(connection, user_id)

    async def contact(self, user_id: uuid.UUID) -> Contact:
        async with postgres_transaction(self._engine) as connection:
            row = (
                await connection.execute(
                    text("SELECT email, email_verified_at FROM users WHERE id = :user_id"),
                    {"user_id": user_id},
                )
            ).first()
            preferences = await _stored_preferences(connection, user_id)
        verified = row is not None and row.email_verified_at is not None
        return Contact(
            verified_email=row.email if verified and row else None, preferences=preferences
        )

    async def insert(
        self,
        user_id: uuid.UUID,
        *,
        kind: NotificationKind,
        title: str,
        body: str,
        data: Mapping[str, Any],
        source_key: str,
    ) -> NotificationRecord | None:
        """Write one notification; None if ``source_key`` was written before."""
        async with postgres_transaction(self._engine) as connection:
            row = (
                await connection.execute(
                    text(
                        "INSERT INTO notifications (user_id, kind, title, body, data, source_key) "  # noqa: S608
                        "VALUES (:user_id, :kind, :title, :body, CAST(:data AS jsonb), "
                        ":source_key) ON CONFLICT (source_key) DO NOTHING "
                        f"RETURNING {_COLUMNS}"
                    ),
                    {
                        "user_id": user_id,
                        "kind": kind,
                        "title": title,
                        "body": body,
                        "data": _json(data),
                        "source_key": source_key,
                    },
                )
            ).first()
        return _record(row) if row is not None else None


def effective_preferences(
    stored: Mapping[tuple[str, str], bool],
) -> list[tuple[NotificationKind, dict[Channel, bool]]]:
    """Every kind with each channel's effective setting (stored, else the default)."""
    return [
        (kind, {channel: channel_enabled(stored, kind, channel) for channel in CHANNELS})
        for kind in NOTIFICATION_KINDS
    ]


async def _stored_preferences(
    connection: AsyncConnection, user_id: uuid.UUID
) -> dict[tuple[str, str], bool]:
    rows = (
        await connection.execute(
            text(
                "SELECT kind, channel, enabled FROM notification_preferences "
                "WHERE user_id = :user_id"
            ),
            {"user_id": user_id},
        )
    ).all()
    return {(row.kind, row.channel): bool(row.enabled) for row in rows}


def _json(data: Mapping[str, Any]) -> str:
    return json.dumps(dict(data), separators=(",", ":"), default=str)
