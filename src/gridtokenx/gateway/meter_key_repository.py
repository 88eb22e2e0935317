"""Device-key rotations in PostgreSQL: the meter's key where ingestion, the readings intake
and minting read it (``meters.device_pubkey``), the history (``meter_key_rotations``,
migration 0014) and the audit row, written in one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gridtokenx.gateway.audit import record_audit
from gridtokenx.gateway.database import postgres_transaction

_MOVE_KEY = text(
    "UPDATE meters SET device_pubkey = :new WHERE meter_id = :meter_id AND device_pubkey = :old"
)
_INSERT = text(
    """
    INSERT INTO meter_key_rotations (meter_id, old_device_pubkey, new_device_pubkey, signature,
        slot, actor_user_id, reason)
    VALUES (:meter_id, :old, :new, :signature, :slot, :actor, :reason)
    ON CONFLICT (signature) DO NOTHING
    RETURNING rotated_at
    """
)
_HISTORY = text(
    """
    SELECT rotation_id, old_device_pubkey, new_device_pubkey, signature, slot, actor_user_id,
           reason, rotated_at
    FROM meter_key_rotations WHERE meter_id = :meter_id ORDER BY rotation_id DESC
    """
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RotationRow:
    rotation_id: int
    old_device_pubkey: bytes
    new_device_pubkey: bytes
    signature: str
    slot: int | None
    actor_user_id: uuid.UUID
    reason: str
    rotated_at: datetime


class MeterKeyRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record(
        self,
        meter_id: uuid.UUID,
        *,
        old: bytes,
        new: bytes,
        signature: str,
        slot: int | None,
        actor: uuid.UUID,
        reason: str,
    ) -> datetime | None:
        """Move the meter to ``new`` (if it still has ``old``), add the history row and the
        audit row; the rotation's time, or ``None`` if this signature was recorded before."""
        async with postgres_transaction(self._engine) as connection:
            rotated_at = (
                await connection.execute(
                    _INSERT,
                    {
                        "meter_id": meter_id,
                        "old": old,
                        "new": new,
                        "signature": signature,
                        "slot": slot,
                        "actor": actor,
                        "reason": reason.strip(),
                    },
                )
            ).scalar_one_or_none()
            if rotated_at is None:
                return None
            await connection.execute(_MOVE_KEY, {"meter_id": meter_id, "old": old, "new": new})
            await record_audit(
                connection,
                actor_user_id=actor,
                action="meter.rotate_device_key",
                target=f"meter:{meter_id}",
                reason=reason,
                details={"signature": signature, "new_device_pubkey_hex": new.hex()},
            )
        rotated: datetime = rotated_at
        return rotated

    async def history(self, meter_id: uuid.UUID) -> list[RotationRow]:
        async with postgres_transaction(self._engine) as connection:
            rows = (await connection.execute(_HISTORY, {"meter_id": meter_id})).all()
        return [
            RotationRow(
                rotation_id=int(row[0]),
                old_device_pubkey=bytes(row[1]),
                new_device_pubkey=bytes(row[2]),
                signature=str(row[3]),
                slot=None if row[4] is None else int(row[4]),
                actor_user_id=row[5],
                reason=str(row[6]),
                rotated_at=row[7],
            )
            for row in rows
        ]
