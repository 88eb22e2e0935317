"""Accounts in PostgreSQL: users, their wallets and e-mail verification tokens.

Every method is one transaction; a server that cannot be reached becomes
:class:`~gridtokenx.gateway.errors.UnavailableError` (503 with Retry-After).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gridtokenx.gateway.database import postgres_transaction
from gridtokenx.gateway.errors import (
    AccountDeactivatedError,
    ConflictError,
    EmailTokenInvalidError,
    LastWalletError,
    NotFoundError,
    UnavailableError,
    WalletAlreadyLinkedError,
)
from gridtokenx.gateway.roles import Role
from gridtokenx.gateway.tables import email_verification_tokens, users, wallets


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    id: uuid.UUID
    role: Role
    created_at: datetime
    email: str | None
    email_verified_at: datetime | None
    deactivated_at: datetime | None = None
    """Set by an operator: the account can no longer sign in or refresh."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Wallet:
    address: str
    linked_at: datetime


class AccountsRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    def _transaction(self) -> AbstractAsyncContextManager[AsyncConnection]:
        return postgres_transaction(self._engine)

    async def ping(self) -> None:
        async with self._transaction() as connection:
            await connection.execute(select(1))

    async def account(self, user_id: uuid.UUID) -> Account:
        async with self._transaction() as connection:
            row = (await connection.execute(select(users).where(users.c.id == user_id))).first()
        if row is None:
            raise NotFoundError(f"no account {user_id}")
        return _account(row)

    async def account_of_wallet(self, address: str) -> Account | None:
        query = select(users).join(wallets, wallets.c.user_id == users.c.id)
        async with self._transaction() as connection:
            row = (await connection.execute(query.where(wallets.c.address == address))).first()
        return _account(row) if row else None

    async def sign_in_account(
        self, address: str, role_for: Callable[[Role | None], Role]
    ) -> Account:
        """The account of ``address`` (created, with its wallet, if the wallet is new), with
        the role ``role_for(current role or None)`` stored."""
        async with self._transaction() as connection:
            row = (
                await connection.execute(
                    select(users)
                    .join(wallets, wallets.c.user_id == users.c.id)
                    .where(wallets.c.address == address)
                    .with_for_update(of=users)
                )
            ).first()
            if row is not None:
                account = _account(row)
                if account.deactivated_at is not None:
                    raise AccountDeactivatedError(
                        "this account was deactivated by an operator; contact the operator",
                        {"deactivated_at": account.deactivated_at.isoformat()},
                    )
                role = role_for(account.role)
                if role != account.role:
                    await connection.execute(
                        update(users).where(users.c.id == account.id).values(role=role)
                    )
                    account = Account(
                        id=account.id,
                        role=role,
                        created_at=account.created_at,
                        email=account.email,
                        email_verified_at=account.email_verified_at,
                    )
                return account
            created = (
                await connection.execute(
                    insert(users)
                    .values(id=uuid.uuid4(), role=role_for(None), created_at=func.now())
                    .returning(users)
                )
            ).one()
            linked = await connection.execute(
                pg_insert(wallets)
                .values(address=address, user_id=created.id, linked_at=func.now())
                .on_conflict_do_nothing()
                .returning(wallets.c.address)
            )
            if linked.first() is None:
                # Another request signed the same new wallet in first: use its account.
                await connection.rollback()
            else:
                return _account(created)
        existing = await self.account_of_wallet(address)
        if existing is None:
            raise UnavailableError("the account of a new wallet vanished; sign in again")
        return existing

    async def wallets(self, user_id: uuid.UUID) -> list[Wallet]:
        query = (
            select(wallets.c.address, wallets.c.linked_at)
            .where(wallets.c.user_id == user_id)
            .order_by(wallets.c.linked_at, wallets.c.address)
        )
        async with self._transaction() as connection:
            rows = (await connection.execute(query)).all()
        return [Wallet(address=row.address, linked_at=row.linked_at) for row in rows]

    async def link_wallet(self, user_id: uuid.UUID, address: str) -> Wallet:
        async with self._transaction() as connection:
            await connection.execute(
                pg_insert(wallets)
                .values(address=address, user_id=user_id, linked_at=func.now())
                .on_conflict_do_nothing()
            )
            row = (
                await connection.execute(select(wallets).where(wallets.c.address == address))
            ).one()
        if row.user_id != user_id:
            raise WalletAlreadyLinkedError(
                f"wallet {address} belongs to another account; unlink it there first",
                {"address": address},
            )
        return Wallet(address=row.address, linked_at=row.linked_at)

    async def unlink_wallet(self, user_id: uuid.UUID, address: str) -> None:
        async with self._transaction() as connection:
            owned = (
                await connection.execute(
                    select(wallets.c.address).where(wallets.c.user_id == user_id).with_for_update()
                )
            ).all()
            addresses = {row.address for row in owned}
            if address not in addresses:
                raise NotFoundError(f"wallet {address} is not linked to this account")
            if len(addresses) == 1:
                raise LastWalletError(
                    f"{address} is the account's only wallet; link another one first",
                    {"address": address},
                )
            await connection.execute(wallets.delete().where(wallets.c.address == address))

    async def set_email(
        self, user_id: uuid.UUID, email: str, token_hash: bytes, expires_at: datetime
    ) -> None:
        """Store ``email`` unverified and the hash of its verification token."""
        async with self._transaction() as connection:
            await connection.execute(
                update(users)
                .where(users.c.id == user_id)
                .values(email=email, email_verified_at=None)
            )
            await connection.execute(
                insert(email_verification_tokens).values(
                    token_hash=token_hash,
                    user_id=user_id,
                    email=email,
                    created_at=func.now(),
                    expires_at=expires_at,
                )
            )

    async def verify_email(self, token_hash: bytes, now: datetime) -> Account:
        """Use a verification token once; the account's address is verified if unchanged."""
        try:
            async with self._transaction() as connection:
                used = (
                    await connection.execute(
                        update(email_verification_tokens)
                        .where(
                            email_verification_tokens.c.token_hash == token_hash,
                            email_verification_tokens.c.used_at.is_(None),
                            email_verification_tokens.c.expires_at > now,
                        )
                        .values(used_at=now)
                        .returning(
                            email_verification_tokens.c.user_id, email_verification_tokens.c.email
                        )
                    )
                ).first()
                if used is None:
                    raise EmailTokenInvalidError(
                        "this verification link is unknown, expired or already used: "
                        "set the address again to get a new one"
                    )
                row = (
                    await connection.execute(
                        update(users)
                        .where(users.c.id == used.user_id, users.c.email == used.email)
                        .values(email_verified_at=now)
                        .returning(users)
                    )
                ).first()
                if row is None:
                    raise EmailTokenInvalidError(
                        "the account's address changed after this link was sent"
                    )
                return _account(row)
        except IntegrityError as exc:
            raise ConflictError(
                "this e-mail address is already verified for another account"
            ) from exc

    async def accounts(self, *, limit: int, offset: int) -> tuple[list[Account], int]:
        async with self._transaction() as connection:
            rows = (
                await connection.execute(
                    select(users)
                    .order_by(users.c.created_at, users.c.id)
                    .limit(limit)
                    .offset(offset)
                )
            ).all()
            total = (await connection.execute(select(func.count()).select_from(users))).scalar_one()
        return [_account(row) for row in rows], int(total)


def _account(row: Row[Any]) -> Account:
    mapping = row._mapping
    return Account(
        id=mapping["id"],
        role=mapping["role"],
        created_at=mapping["created_at"],
        email=mapping["email"],
        email_verified_at=mapping["email_verified_at"],
        deactivated_at=mapping.get("deactivated_at"),
    )
