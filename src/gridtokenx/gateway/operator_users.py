"""Operators managing accounts: search, role changes, deactivation and reactivation.

Every change runs in one PostgreSQL transaction with its audit row (:func:`record_audit`), the
account row locked (``FOR UPDATE``) so two operators cannot interleave on it. Role changes and
deactivation end all of the account's sessions (Redis) before the transaction commits and once
more after it: an access token names its session, so the account's next request is refused at
once (``session_revoked``), and its next sign-in carries the new role — or, deactivated, is
refused (``account_deactivated``, checked again after a new session is stored, so a sign-in
racing the deactivation cannot keep a session either).

Refused: an operator deactivating or demoting themselves (``operator_self_action``); demoting an
account that holds a configured operator wallet (``role_pinned_by_configuration``: its next
sign-in would promote it again); a change to the state the account already has
(``account_state_unchanged``).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gridtokenx.gateway.audit import record_audit
from gridtokenx.gateway.auth_service import Principal
from gridtokenx.gateway.database import postgres_transaction
from gridtokenx.gateway.errors import (
    AccountStateUnchangedError,
    NotFoundError,
    OperatorSelfActionError,
    RolePinnedError,
    UnavailableError,
)
from gridtokenx.gateway.roles import Role
from gridtokenx.gateway.store import SessionStore
from gridtokenx.gateway.tables import users, wallets

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class UserRecord:
    id: uuid.UUID
    role: Role
    created_at: datetime
    email: str | None
    email_verified: bool
    deactivated_at: datetime | None
    wallets: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class UserQuery:
    """Filters of a search; ``None`` means any. ``wallet_prefix`` matches the start of any of
    the account's wallets (case-sensitive: base58), ``email`` the address case-insensitively
    (exact, or a prefix when it ends with ``*``)."""

    wallet_prefix: str | None = None
    email: str | None = None
    role: Role | None = None
    active: bool | None = None


class OperatorUsers:
    def __init__(
        self, engine: AsyncEngine, store: SessionStore, operator_wallets: frozenset[str]
    ) -> None:
        self._engine = engine
        self._store = store
        self._operator_wallets = operator_wallets

    async def search(
        self, query: UserQuery, *, limit: int, offset: int
    ) -> tuple[list[UserRecord], int]:
        """One page, oldest account first, and how many accounts match in all."""
        conditions: list[Any] = []
        if query.wallet_prefix:
            prefix = _like_prefix(query.wallet_prefix)
            conditions.append(
                select(wallets.c.address)
                .where(wallets.c.user_id == users.c.id, wallets.c.address.like(prefix))
                .exists()
            )
        if query.email:
            email = query.email.lower()
            if email.endswith("*"):
                conditions.append(func.lower(users.c.email).like(_like_prefix(email[:-1])))
            else:
                conditions.append(func.lower(users.c.email) == email)
        if query.role is not None:
            conditions.append(users.c.role == query.role)
        if query.active is not None:
            conditions.append(
                users.c.deactivated_at.is_(None)
                if query.active
                else users.c.deactivated_at.is_not(None)
            )
        async with postgres_transaction(self._engine) as connection:
            rows = (
                await connection.execute(
                    select(users)
                    .where(*conditions)
                    .order_by(users.c.created_at, users.c.id)
                    .limit(limit)
                    .offset(offset)
                )
            ).all()
            total = (
                await connection.execute(select(func.count()).select_from(users).where(*conditions))
            ).scalar_one()
            owned = await _wallets_of(connection, [row.id for row in rows])
        return [_record(row, owned.get(row.id, ())) for row in rows], int(total)

    async def user(self, user_id: uuid.UUID) -> UserRecord:
        async with postgres_transaction(self._engine) as connection:
            row = await _locked(connection, user_id, lock=False)
            owned = await _wallets_of(connection, [user_id])
        return _record(row, owned.get(user_id, ()))

    async def change_role(
        self, actor: Principal, user_id: uuid.UUID, role: Role, reason: str
    ) -> UserRecord:
        async with postgres_transaction(self._engine) as connection:
            row = await _locked(connection, user_id)
            owned = (await _wallets_of(connection, [user_id])).get(user_id, ())
            if row.role == role:
                raise AccountStateUnchangedError(
                    f"account {user_id} already is a {role}", {"role": role}
                )
            if role != "operator" and row.role == "operator":
                if user_id == actor.user_id:
                    raise OperatorSelfActionError(
                        "an operator cannot demote their own account; ask another operator"
                    )
                pinned = sorted(set(owned) & self._operator_wallets)
                if pinned:
                    raise RolePinnedError(
                        f"account {user_id} holds configured operator wallets {pinned}: remove "
                        "them from GRIDTOKENX_GATEWAY__OPERATOR_WALLETS first, or its next "
                        "sign-in makes it an operator again",
                        {"wallets": pinned},
                    )
            updated = (
                await connection.execute(
                    update(users).where(users.c.id == user_id).values(role=role).returning(users)
                )
            ).one()
            await record_audit(
                connection,
                actor_user_id=actor.user_id,
                action="user.role_changed",
                target=f"user:{user_id}",
                reason=reason,
                details={"from": row.role, "to": role},
            )
            await self._end_sessions(user_id)
        await self._end_sessions_after_commit(user_id)
        return _record(updated, owned)

    async def set_active(
        self, actor: Principal, user_id: uuid.UUID, *, active: bool, reason: str
    ) -> UserRecord:
        async with postgres_transaction(self._engine) as connection:
            row = await _locked(connection, user_id)
            if (row.deactivated_at is None) == active:
                state = "active" if active else "deactivated"
                raise AccountStateUnchangedError(
                    f"account {user_id} already is {state}", {"active": active}
                )
            if not active and user_id == actor.user_id:
                raise OperatorSelfActionError("an operator cannot deactivate their own account")
            updated = (
                await connection.execute(
                    update(users)
                    .where(users.c.id == user_id)
                    .values(deactivated_at=None if active else func.now())
                    .returning(users)
                )
            ).one()
            await record_audit(
                connection,
                actor_user_id=actor.user_id,
                action="user.reactivated" if active else "user.deactivated",
                target=f"user:{user_id}",
                reason=reason,
                details={
                    "role": row.role,
                    "deactivated_at": None
                    if row.deactivated_at is None
                    else row.deactivated_at.isoformat(),
                },
            )
            if not active:
                await self._end_sessions(user_id)
            owned = (await _wallets_of(connection, [user_id])).get(user_id, ())
        if not active:
            await self._end_sessions_after_commit(user_id)
        return _record(updated, owned)

    async def _end_sessions(self, user_id: uuid.UUID) -> int:
        sessions = await self._store.user_sessions(user_id)
        for session in sessions:
            await self._store.delete_session(session.session_id, user_id)
        return len(sessions)

    async def _end_sessions_after_commit(self, user_id: uuid.UUID) -> None:
        # Sessions opened between the first sweep and the commit; their sign-in re-reads the
        # account after storing the session, so at most this sweep is needed.
        try:
            await self._end_sessions(user_id)
        except UnavailableError:
            _log.warning("Redis unavailable after the change of account %s committed", user_id)


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


async def _locked(connection: AsyncConnection, user_id: uuid.UUID, lock: bool = True) -> Row[Any]:
    query = select(users).where(users.c.id == user_id)
    row = (await connection.execute(query.with_for_update() if lock else query)).first()
    if row is None:
        raise NotFoundError(f"no account {user_id}", {"user_id": str(user_id)})
    return row


async def _wallets_of(
    connection: AsyncConnection, user_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, ...]]:
    if not user_ids:
        return {}
    rows = (
        await connection.execute(
            select(wallets.c.user_id, wallets.c.address)
            .where(wallets.c.user_id.in_(user_ids))
            .order_by(wallets.c.linked_at, wallets.c.address)
        )
    ).all()
    owned: dict[uuid.UUID, list[str]] = {}
    for row in rows:
        owned.setdefault(row.user_id, []).append(row.address)
    return {user_id: tuple(addresses) for user_id, addresses in owned.items()}


def _record(row: Row[Any], owned: tuple[str, ...]) -> UserRecord:
    return UserRecord(
        id=row.id,
        role=row.role,
        created_at=row.created_at,
        email=row.email,
        email_verified=row.email_verified_at is not None,
        deactivated_at=row.deactivated_at,
        wallets=owned,
    )
