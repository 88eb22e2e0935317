"""The notifier's PostgreSQL side (tables of migration ``0012_notifications``).

:meth:`NotifierStore.process_changes` is one transaction: lock the cursor, read the next
changes that no running transaction can still add to (``txid`` below the snapshot's xmin), look
up the accounts of their wallets with e-mail and preferences, let the pure core decide, write
the notifications and the outbox rows, move the cursor and delete the changes read. A crash
before the commit leaves everything as it was; after it, the changes are never read again. The
outbox is then drained by the service (Redis, SMTP) and its rows marked one by one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from gridtokenx.notifications.core import Change, Delivery, Recipient
from gridtokenx.notifications.errors import NotifierStoreError
from gridtokenx.notifications.events import EventKind

Decide = Callable[[Change, dict[str, uuid.UUID], dict[uuid.UUID, Recipient]], Sequence[Delivery]]

_READ_CHANGES = """
SELECT change_id, source, previous, current, wallets, txid::text
FROM notification_changes
WHERE (txid, change_id) > (%s::xid8, %s::bigint)
  AND txid < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY txid, change_id
LIMIT %s
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxEvent:
    outbox_id: int
    event_id: uuid.UUID
    user_id: uuid.UUID
    kind: EventKind
    data: dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxEmail:
    outbox_id: int
    event_id: uuid.UUID
    to: str
    subject: str
    body: str
    attempts: int


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchResult:
    changes: int
    deliveries: int
    notifications: int
    emails: int


class NotifierStore:
    """One connection to PostgreSQL (reopened after a failure) for one notifier ``name``."""

    def __init__(self, database_url: str, name: str = "notifier") -> None:
        self._url = database_url
        self._name = name
        self._connection: psycopg.AsyncConnection[Any] | None = None

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def _open(self) -> psycopg.AsyncConnection[Any]:
        if self._connection is None or self._connection.closed or self._connection.broken:
            self._connection = await psycopg.AsyncConnection.connect(self._url, connect_timeout=5)
        return self._connection

    async def process_changes(self, limit: int, decide: Decide) -> BatchResult:
        """Decide and record the next ``limit`` changes at most, in one transaction."""
        try:
            connection = await self._open()
            async with connection.transaction():
                return await self._process(connection, limit, decide)
        except psycopg.OperationalError as exc:
            await self.close()
            raise NotifierStoreError(
                f"PostgreSQL did not answer the notifier ({exc}); it retries from its cursor"
            ) from exc

    async def _process(
        self, connection: psycopg.AsyncConnection[Any], limit: int, decide: Decide
    ) -> BatchResult:
        cursor_row = await (
            await connection.execute(
                "SELECT last_txid::text, last_change_id FROM notifier_cursors WHERE name = %s "
                "FOR UPDATE",
                (self._name,),
            )
        ).fetchone()
        last_txid, last_change_id = cursor_row if cursor_row else ("0", 0)
        rows = await (
            await connection.execute(_READ_CHANGES, (last_txid, last_change_id, limit))
        ).fetchall()
        if not rows:
            return BatchResult(changes=0, deliveries=0, notifications=0, emails=0)
        wallets = sorted({wallet for row in rows for wallet in row[4]})
        owners = await _owners(connection, wallets)
        recipients = await _recipients(connection, sorted(set(owners.values())))
        deliveries = 0
        notifications = 0
        emails = 0
        for change_id, source, previous, current, _, _ in rows:
            change = Change(change_id=change_id, source=source, previous=previous, current=current)
            for delivery in decide(change, owners, recipients):
                stored = await _store_delivery(connection, delivery)
                deliveries += 1
                notifications += stored
                emails += delivery.email is not None
        last_change_id, last_txid = rows[-1][0], rows[-1][5]
        await connection.execute(
            "INSERT INTO notifier_cursors (name, last_txid, last_change_id) "
            "VALUES (%s, %s::xid8, %s) ON CONFLICT (name) DO UPDATE SET "
            "last_txid = EXCLUDED.last_txid, last_change_id = EXCLUDED.last_change_id, "
            "updated_at = now()",
            (self._name, last_txid, last_change_id),
        )
        await connection.execute(
            "DELETE FROM notification_changes WHERE (txid, change_id) <= (%s::xid8, %s::bigint)",
            (last_txid, last_change_id),
        )
        return BatchResult(
            changes=len(rows), deliveries=deliveries, notifications=notifications, emails=emails
        )

    async def unpublished(self, limit: int) -> list[OutboxEvent]:
        """Outbox events not yet published, oldest first (a user's events in their order)."""
        rows = await self._fetch(
            "SELECT outbox_id, event_id, user_id, event_kind, event_data FROM notifier_outbox "
            "WHERE published_at IS NULL ORDER BY outbox_id LIMIT %s",
            (limit,),
        )
        return [
            OutboxEvent(outbox_id=row[0], event_id=row[1], user_id=row[2], kind=row[3], data=row[4])
            for row in rows
        ]

    async def mark_published(self, outbox_ids: Sequence[int]) -> None:
        await self._execute(
            "UPDATE notifier_outbox SET published_at = now() WHERE outbox_id = ANY(%s)",
            (list(outbox_ids),),
        )

    async def due_emails(self, limit: int) -> list[OutboxEmail]:
        rows = await self._fetch(
            "SELECT outbox_id, event_id, email_to, email_subject, email_body, email_attempts "
            "FROM notifier_outbox WHERE email_status = 'pending' AND email_next_at <= now() "
            "ORDER BY email_next_at, outbox_id LIMIT %s",
            (limit,),
        )
        return [
            OutboxEmail(
                outbox_id=row[0],
                event_id=row[1],
                to=row[2],
                subject=row[3],
                body=row[4],
                attempts=row[5],
            )
            for row in rows
        ]

    async def mark_email_sent(self, outbox_id: int) -> None:
        await self._execute(
            "UPDATE notifier_outbox SET email_status = 'sent', email_attempts = email_attempts + 1"
            ", email_error = NULL WHERE outbox_id = %s",
            (outbox_id,),
        )

    async def mark_email_retry(
        self, outbox_id: int, error: str, *, retry_in: timedelta, give_up: bool
    ) -> None:
        await self._execute(
            "UPDATE notifier_outbox SET email_attempts = email_attempts + 1, email_error = %s, "
            "email_status = CASE WHEN %s THEN 'failed' ELSE 'pending' END, "
            "email_next_at = now() + %s WHERE outbox_id = %s",
            (error[:500], give_up, retry_in, outbox_id),
        )

    async def prune(self) -> int:
        """Delete outbox rows whose event is published and whose e-mail is sent or not due."""
        connection = await self._open_or_raise()
        try:
            async with connection.transaction():
                deleted = await connection.execute(
                    "DELETE FROM notifier_outbox WHERE published_at IS NOT NULL "
                    "AND email_status IN ('none', 'sent')"
                )
                return deleted.rowcount
        except psycopg.OperationalError as exc:
            await self.close()
            raise _unavailable(exc) from exc

    async def _open_or_raise(self) -> psycopg.AsyncConnection[Any]:
        try:
            return await self._open()
        except psycopg.OperationalError as exc:
            raise _unavailable(exc) from exc

    async def _fetch(self, query: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
        connection = await self._open_or_raise()
        try:
            async with connection.transaction():
                return await (await connection.execute(query, params)).fetchall()
        except psycopg.OperationalError as exc:
            await self.close()
            raise _unavailable(exc) from exc

    async def _execute(self, query: str, params: tuple[object, ...]) -> None:
        connection = await self._open_or_raise()
        try:
            async with connection.transaction():
                await connection.execute(query, params)
        except psycopg.OperationalError as exc:
            await self.close()
            raise _unavailable(exc) from exc


def _unavailable(exc: Exception) -> NotifierStoreError:
    return NotifierStoreError(f"PostgreSQL did not answer the notifier ({exc}); retried")


async def _owners(
    connection: psycopg.AsyncConnection[Any], wallets: Sequence[str]
) -> dict[str, uuid.UUID]:
    rows = await (
        await connection.execute(
            "SELECT address, user_id FROM wallets WHERE address = ANY(%s)", (list(wallets),)
        )
    ).fetchall()
    return {address: user_id for address, user_id in rows}  # noqa: C416 - typed pairs


async def _recipients(
    connection: psycopg.AsyncConnection[Any], user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Recipient]:
    users = await (
        await connection.execute(
            "SELECT id, email, email_verified_at FROM users WHERE id = ANY(%s)", (list(user_ids),)
        )
    ).fetchall()
    stored = await (
        await connection.execute(
            "SELECT user_id, kind, channel, enabled FROM notification_preferences "
            "WHERE user_id = ANY(%s)",
            (list(user_ids),),
        )
    ).fetchall()
    preferences: dict[uuid.UUID, dict[tuple[str, str], bool]] = {}
    for user_id, kind, channel, enabled in stored:
        preferences.setdefault(user_id, {})[(kind, channel)] = enabled
    return {
        user_id: Recipient(
            user_id=user_id,
            verified_email=email if verified_at is not None else None,
            preferences=preferences.get(user_id, {}),
        )
        for user_id, email, verified_at in users
    }


async def _store_delivery(connection: psycopg.AsyncConnection[Any], delivery: Delivery) -> int:
    """Write one delivery's notification (if any) and outbox row; answers 1 if a notification
    row was written."""
    notification_id: int | None = None
    written = 0
    draft = delivery.notification
    if draft is not None:
        inserted = await (
            await connection.execute(
                "INSERT INTO notifications (user_id, kind, title, body, data, source_key) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (source_key) DO NOTHING "
                "RETURNING id",
                (
                    delivery.user_id,
                    draft.kind,
                    draft.title,
                    draft.body,
                    Jsonb(dict(draft.data)),
                    delivery.source_key,
                ),
            )
        ).fetchone()
        if inserted is not None:
            notification_id, written = inserted[0], 1
    data = dict(delivery.event_data)
    if delivery.event_kind in ("order", "settlement", "mint"):
        data["notification_id"] = notification_id
    email = delivery.email
    await connection.execute(
        "INSERT INTO notifier_outbox (user_id, event_kind, event_data, email_to, email_subject, "
        "email_body, email_status) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (
            delivery.user_id,
            delivery.event_kind,
            Jsonb(data),
            email.to if email else None,
            email.subject if email else None,
            email.body if email else None,
            "pending" if email else "none",
        ),
    )
    return written


def message_id(event_id: uuid.UUID) -> str:
    """The Message-ID of an outbox row's e-mail: the same on every attempt, so a message sent
    again after a crash is recognisable as the same one."""
    return f"<notification-{event_id}@gridtokenx.local>"
