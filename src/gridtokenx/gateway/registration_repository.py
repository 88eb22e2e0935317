"""Meter registration requests in PostgreSQL (``meter_registration_requests``, migration 0009)
and the rows an approved registration writes for ingestion and minting.

An approval commits in one transaction: the request becomes ``approved``; the meter enters
``meters`` with a zero-register watermark at its approval time (``meter_watermarks``, migration
0001: what ingestion's ``MeterTable`` loads when it first sees the meter's readings, and what
``POST /v1/readings/batch`` checks device signatures against); ``meter_chain_accounts`` and
``meter_mint_states`` (migration 0004: the minting service's ledger) record the on-chain meter
account, the owner's GXT token account and the registers as the chain holds them, so minting
mints the meter's exported energy to its owner; a ``consumer`` account becomes a ``prosumer``;
and the audit row is written (:func:`~gridtokenx.gateway.audit.record_audit`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gridtokenx.gateway.audit import record_audit
from gridtokenx.gateway.database import postgres_transaction
from gridtokenx.gateway.registration_errors import (
    MeterAlreadyRegisteredError,
    RegistrationNotFoundError,
    RegistrationStateError,
)

OPEN_STATUSES = ("awaiting_nonce", "awaiting_owner", "pending_approval")


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestRow:
    id: uuid.UUID
    user_id: uuid.UUID
    owner_wallet: str
    meter_id: uuid.UUID
    device_pubkey: bytes
    kind: int
    zone_id: int
    max_export_w: int
    max_import_w: int
    nonce_account: str
    setup_message: bytes
    status: str
    registration_message: bytes | None
    owner_signed_transaction: bytes | None
    registration_signature: str | None
    reason: str | None
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class NewRequest:
    user_id: uuid.UUID
    owner_wallet: str
    meter_id: uuid.UUID
    device_pubkey: bytes
    kind: int
    zone_id: int
    max_export_w: int
    max_import_w: int
    nonce_account: str
    setup_message: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class Landing:
    """What the chain says about a landed registration."""

    signature: str
    owner_token_account: str
    chain_status: int
    export_wh: int
    import_wh: int
    timestamp_ms: int
    minted_wh: int
    commissioned_at_ms: int
    """The watermark ingestion starts from: readings must be newer."""


_COLUMNS = ", ".join(RequestRow.__dataclass_fields__)


def _row(row: Any) -> RequestRow:
    values = dict(row._mapping)
    values["device_pubkey"] = bytes(values["device_pubkey"])
    for key in ("setup_message", "registration_message", "owner_signed_transaction"):
        if values[key] is not None:
            values[key] = bytes(values[key])
    return RequestRow(**values)


class RegistrationRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def open_count(self, user_id: uuid.UUID) -> int:
        async with postgres_transaction(self._engine) as connection:
            count = await connection.scalar(
                text(
                    "SELECT count(*) FROM meter_registration_requests "
                    "WHERE user_id = :user_id AND status = ANY(:open)"
                ),
                {"user_id": user_id, "open": list(OPEN_STATUSES)},
            )
        return int(count or 0)

    async def create(self, new: NewRequest) -> RequestRow:
        """Insert the request; a meter id or device key already in ``meters`` or in an open
        request is :class:`MeterAlreadyRegisteredError`."""
        try:
            async with postgres_transaction(self._engine) as connection:
                taken = await connection.scalar(
                    text(
                        "SELECT EXISTS (SELECT 1 FROM meters "
                        "WHERE meter_id = :meter_id OR device_pubkey = :device)"
                    ),
                    {"meter_id": new.meter_id, "device": new.device_pubkey},
                )
                if taken:
                    raise _already(new.meter_id)
                row = (
                    await connection.execute(
                        text(
                            f"""
                            INSERT INTO meter_registration_requests (user_id, owner_wallet,
                                meter_id, device_pubkey, kind, zone_id, max_export_w,
                                max_import_w, nonce_account, setup_message, status)
                            VALUES (:user_id, :owner_wallet, :meter_id, :device_pubkey, :kind,
                                :zone_id, :max_export_w, :max_import_w, :nonce_account,
                                :setup_message, 'awaiting_nonce')
                            RETURNING {_COLUMNS}
                            """  # noqa: S608 - fixed column names only
                        ),
                        _as_dict(new),
                    )
                ).one()
        except IntegrityError as exc:
            raise _already(new.meter_id) from exc
        return _row(row)

    async def get(self, request_id: uuid.UUID, user_id: uuid.UUID | None = None) -> RequestRow:
        """The request; with ``user_id``, only if it is that user's (else not found)."""
        async with postgres_transaction(self._engine) as connection:
            return await _get(connection, request_id, user_id, lock=False)

    async def of_user(self, user_id: uuid.UUID) -> list[RequestRow]:
        return await self._select("WHERE user_id = :user_id", {"user_id": user_id})

    async def with_status(self, status: str, limit: int) -> list[RequestRow]:
        return await self._select(
            "WHERE status = :status", {"status": status}, order="created_at", limit=limit
        )

    async def _select(
        self,
        where: str,
        parameters: dict[str, Any],
        *,
        order: str = "created_at DESC",
        limit: int = 1000,
    ) -> list[RequestRow]:
        async with postgres_transaction(self._engine) as connection:
            rows = (
                await connection.execute(
                    text(
                        f"SELECT {_COLUMNS} FROM meter_registration_requests {where} "  # noqa: S608
                        f"ORDER BY {order}, id LIMIT :limit"
                    ),
                    {**parameters, "limit": limit},
                )
            ).all()
        return [_row(row) for row in rows]

    async def transition(
        self,
        request_id: uuid.UUID,
        *,
        expected: Sequence[str],
        status: str,
        user_id: uuid.UUID | None = None,
        **values: object,
    ) -> RequestRow:
        """Move a request in one of ``expected`` to ``status``, setting ``values``."""
        async with postgres_transaction(self._engine) as connection:
            current = await _get(connection, request_id, user_id, lock=True)
            expect_status(current, expected)
            return await _update(connection, request_id, status=status, **values)

    async def approve(
        self,
        request_id: uuid.UUID,
        *,
        actor: uuid.UUID,
        reason: str,
        landing: Landing,
        expected: Sequence[str] = ("pending_approval",),
    ) -> RequestRow:
        """Record the landed registration (see the module docstring) in one transaction."""
        async with postgres_transaction(self._engine) as connection:
            request = await _get(connection, request_id, None, lock=True)
            expect_status(request, expected)
            await _record_meter(connection, request, landing)
            promoted = await connection.scalar(
                text(
                    "UPDATE users SET role = 'prosumer' WHERE id = :id AND role = 'consumer' "
                    "RETURNING id"
                ),
                {"id": request.user_id},
            )
            updated = await _update(
                connection,
                request_id,
                status="approved",
                registration_signature=landing.signature,
                decided_by=actor,
                decided_at=_NOW,
            )
            await record_audit(
                connection,
                actor_user_id=actor,
                action="meter_registration.approved",
                target=f"meter_registration:{request_id}",
                reason=reason,
                details={
                    "meter_id": str(request.meter_id),
                    "owner_user_id": str(request.user_id),
                    "owner_wallet": request.owner_wallet,
                    "zone_id": request.zone_id,
                    "kind": request.kind,
                    "signature": landing.signature,
                    "owner_promoted_to_prosumer": promoted is not None,
                },
            )
        return updated

    async def reject(self, request_id: uuid.UUID, *, actor: uuid.UUID, reason: str) -> RequestRow:
        async with postgres_transaction(self._engine) as connection:
            request = await _get(connection, request_id, None, lock=True)
            expect_status(request, OPEN_STATUSES)
            updated = await _update(
                connection,
                request_id,
                status="rejected",
                reason=reason,
                decided_by=actor,
                decided_at=_NOW,
            )
            await record_audit(
                connection,
                actor_user_id=actor,
                action="meter_registration.rejected",
                target=f"meter_registration:{request_id}",
                reason=reason,
                details={
                    "meter_id": str(request.meter_id),
                    "owner_user_id": str(request.user_id),
                    "owner_wallet": request.owner_wallet,
                    "previous_status": request.status,
                },
            )
        return updated


_NOW = object()
"""A value for :func:`_update`: the transaction's ``now()``."""


def _as_dict(new: NewRequest) -> dict[str, Any]:
    return {name: getattr(new, name) for name in NewRequest.__dataclass_fields__}


def _already(meter_id: uuid.UUID) -> MeterAlreadyRegisteredError:
    return MeterAlreadyRegisteredError(
        f"meter {meter_id} or its device key is already registered or in an open request; "
        "a meter is registered once (rotate a device key through an operator)",
        {"meter_id": str(meter_id)},
    )


def expect_status(request: RequestRow, expected: Sequence[str]) -> None:
    if request.status not in expected:
        raise RegistrationStateError(
            f"registration {request.id} is {request.status}; this step needs it "
            f"{' or '.join(expected)}",
            {"status": request.status, "expected": list(expected)},
        )


async def _get(
    connection: AsyncConnection, request_id: uuid.UUID, user_id: uuid.UUID | None, *, lock: bool
) -> RequestRow:
    query = f"SELECT {_COLUMNS} FROM meter_registration_requests WHERE id = :id"  # noqa: S608
    parameters: dict[str, Any] = {"id": request_id}
    if user_id is not None:
        query += " AND user_id = :user_id"
        parameters["user_id"] = user_id
    if lock:
        query += " FOR UPDATE"
    row = (await connection.execute(text(query), parameters)).first()
    if row is None:
        raise RegistrationNotFoundError(
            f"no meter registration {request_id} of yours", {"id": str(request_id)}
        )
    return _row(row)


async def _update(
    connection: AsyncConnection, request_id: uuid.UUID, **values: object
) -> RequestRow:
    assignments = ["updated_at = now()"]
    parameters: dict[str, Any] = {"id": request_id}
    for name, value in values.items():
        if name not in RequestRow.__dataclass_fields__:
            raise ValueError(f"no column {name}")
        if value is _NOW:
            assignments.append(f"{name} = now()")
        else:
            assignments.append(f"{name} = :{name}")
            parameters[name] = value
    row = (
        await connection.execute(
            text(
                f"UPDATE meter_registration_requests SET {', '.join(assignments)} "  # noqa: S608
                f"WHERE id = :id RETURNING {_COLUMNS}"
            ),
            parameters,
        )
    ).one()
    return _row(row)


async def _record_meter(connection: AsyncConnection, request: RequestRow, landing: Landing) -> None:
    parameters = {
        "meter_id": request.meter_id,
        "kind": request.kind,
        "device": request.device_pubkey,
        "owner": request.owner_wallet,
        "zone": request.zone_id,
        "max_export_w": request.max_export_w,
        "max_import_w": request.max_import_w,
        "token_account": landing.owner_token_account,
        "chain_status": landing.chain_status,
        "signature": landing.signature,
        "export_wh": landing.export_wh,
        "import_wh": landing.import_wh,
        "timestamp_ms": landing.timestamp_ms,
        "minted_wh": landing.minted_wh,
        "commissioned_at_ms": landing.commissioned_at_ms,
    }
    for statement in _RECORD_METER:
        await connection.execute(text(statement), parameters)


_RECORD_METER = (
    """
    INSERT INTO meters (meter_id, kind, device_pubkey, owner_wallet, zone_id, max_export_w,
                        max_import_w, status)
    VALUES (:meter_id, :kind, :device, :owner, :zone, :max_export_w, :max_import_w,
            :chain_status)
    """,
    """
    INSERT INTO meter_watermarks (meter_id, timestamp_ms, export_wh, import_wh)
    VALUES (:meter_id, GREATEST(CAST(:commissioned_at_ms AS bigint), CAST(:timestamp_ms AS bigint)),
            :export_wh, :import_wh)
    """,
    """
    INSERT INTO meter_chain_accounts (meter_id, owner_wallet, owner_token_account,
        chain_status, registration_signature)
    VALUES (:meter_id, :owner, :token_account, :chain_status, :signature)
    """,
    """
    INSERT INTO meter_mint_states (meter_id, export_wh, import_wh, timestamp_ms, minted_wh)
    VALUES (:meter_id, :export_wh, :import_wh, :timestamp_ms, :minted_wh)
    """,
)
