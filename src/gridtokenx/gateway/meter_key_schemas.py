"""Bodies of the device-key rotation routes (operators)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from gridtokenx.gateway.audit import REASON_PATTERN
from gridtokenx.gateway.registration_schemas import SignedTransactionBody

_NEW_KEY = Field(
    min_length=32, max_length=44, description="The meter's new Ed25519 device public key (base58)"
)
_REASON = Field(
    min_length=1, max_length=500, pattern=REASON_PATTERN, description="Recorded in the audit log"
)


class KeyRotationRequest(BaseModel):
    new_device_pubkey: str = _NEW_KEY
    reason: str = _REASON


class KeyRotationSubmit(SignedTransactionBody):
    new_device_pubkey: str = _NEW_KEY
    reason: str = _REASON


class PreparedKeyRotation(BaseModel):
    meter_id: str
    meter_address: str
    authority: str
    """The Registry operator authority: the wallet that must sign (and pays the fee)."""
    transaction: str
    """Unsigned (base64); valid until ``last_valid_block_height``."""
    last_valid_block_height: int


class KeyRotationPublic(BaseModel):
    meter_id: str
    old_device_pubkey: str
    new_device_pubkey: str
    signature: str
    slot: int | None
    actor_user_id: str
    reason: str
    rotated_at: datetime


class KeyRotationsPublic(BaseModel):
    data: list[KeyRotationPublic]
    count: int
