"""The append-only operator audit log (table ``audit_log``, migration 0010_audit).

:func:`record_audit` inserts one row in the caller's transaction, so the row exists exactly
when the change it records was committed. PostgreSQL itself refuses UPDATE, DELETE and
TRUNCATE on the table (triggers of the migration), so no statement of the gateway or any other
client rewrites history; only DDL by the table's owner could (see the migration).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy import BigInteger, Column, DateTime, MetaData, Table, Text, Uuid, insert
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

metadata = MetaData()

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("actor_user_id", Uuid, nullable=False),
    Column("action", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("details", JSONB, nullable=False),
)


REASON_PATTERN = r"^[^\x00]*[^\s\x00-\x1f\x7f][^\x00]*$"
"""What a reason must match (routes validate it with this before they change anything): no NUL
(PostgreSQL text holds none) and at least one character that is neither white space nor a control
character, so it is never blank by Python's ``str.strip`` either (which also strips \\x1c-\\x1f)."""


class AuditReasonError(ValueError):
    """An audit row without a reason (empty or only white space): a caller's bug, since the
    routes validate the reason before they change anything."""


async def record_audit(
    connection: AsyncConnection,
    *,
    actor_user_id: uuid.UUID,
    action: str,
    target: str,
    reason: str,
    details: Mapping[str, object],
) -> None:
    """Insert one audit row (who, what, on what, why; the time is the transaction's) in the
    transaction of ``connection``. ``details`` must be JSON-serialisable."""
    if not reason.strip():
        raise AuditReasonError(f"audit row for {action} on {target} has no reason")
    await connection.execute(
        insert(audit_log).values(
            actor_user_id=actor_user_id,
            action=action,
            target=target,
            reason=reason.strip(),
            details=dict(details),
        )
    )
