"""Request and response bodies of the meter registration routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from gridtokenx.gateway.audit import REASON_PATTERN

MAX_METER_POWER_W = 10_000_000
"""The largest rated power (export or import) a field meter may declare: 10 MW."""

RegistrationStatus = Literal[
    "awaiting_nonce", "awaiting_owner", "pending_approval", "approved", "rejected"
]


class MeterRegistrationRequest(BaseModel):
    """A field meter to commission. The device key is the Ed25519 key the meter signs its
    readings with (``POST /v1/readings/batch``)."""

    device_pubkey: str = Field(
        min_length=32, max_length=44, description="The meter's device public key (base58)"
    )
    kind: int = Field(ge=1, le=4, description="1 solar, 2 consumer, 3 solar + battery, 4 EV")
    zone_id: int = Field(ge=0, le=2**31 - 1, description="A zone of the grid topology")
    max_export_w: int = Field(ge=0, le=MAX_METER_POWER_W, description="Rated export power (W)")
    max_import_w: int = Field(ge=0, le=MAX_METER_POWER_W, description="Rated import power (W)")
    meter_id: uuid.UUID | None = Field(
        default=None,
        description="The id the meter puts in its readings; a new one is assigned when omitted",
    )


class MeterRegistrationPublic(BaseModel):
    id: uuid.UUID
    status: RegistrationStatus = Field(
        description="awaiting_nonce: the setup transaction has not landed; awaiting_owner: "
        "the owner has to sign the registration transaction; pending_approval: in the "
        "operators' queue; approved: registered on chain; rejected: see reason"
    )
    meter_id: uuid.UUID
    meter_address: str = Field(description="The Registry MeterAccount PDA (base58)")
    device_pubkey: str
    kind: int
    zone_id: int
    max_export_w: int
    max_import_w: int
    owner_wallet: str
    nonce_account: str = Field(description="The durable-nonce account of this request")
    registration_signature: str | None = Field(
        description="The registration transaction's signature once it landed"
    )
    reason: str | None = Field(description="Why an operator rejected it")
    created_at: datetime
    updated_at: datetime
    decided_at: datetime | None


class MeterRegistrationsPublic(BaseModel):
    data: list[MeterRegistrationPublic]
    count: int


class PreparedStep(BaseModel):
    """A request and the transaction its next step needs signed (base64 wire format; empty
    signature slots are all zero)."""

    registration: MeterRegistrationPublic
    transaction: str = Field(
        description="Setup: sign as the owner (it creates the nonce account, signed by it "
        "already). Registration: sign as the owner, then submit it to /sign"
    )


class SignedTransactionBody(BaseModel):
    transaction: str = Field(
        min_length=1, max_length=4096, description="The signed transaction (base64)"
    )


class QueuedRegistration(BaseModel):
    registration: MeterRegistrationPublic
    transaction: str = Field(
        description="The owner-signed registration transaction (base64): the operator's "
        "wallet adds the Registry authority's signature and submits it to /approve"
    )


class RegistrationQueuePublic(BaseModel):
    data: list[QueuedRegistration]
    count: int


class ApproveBody(SignedTransactionBody):
    reason: str = Field(
        default="meter registration approved",
        min_length=1,
        max_length=500,
        pattern=REASON_PATTERN,
        description="Recorded in the audit log",
    )


class RejectBody(BaseModel):
    reason: str = Field(
        min_length=1,
        max_length=500,
        pattern=REASON_PATTERN,
        description="Shown to the owner; audited",
    )


class RejectedPublic(BaseModel):
    registration: MeterRegistrationPublic
    refund_transaction: str | None = Field(
        description="Unsigned (base64): withdraws the nonce account's lamports to the owner; "
        "the Registry authority's wallet signs, pays and sends it. Null when the nonce account "
        "is not on chain"
    )


class RefundPublic(BaseModel):
    transaction: str = Field(
        description="Unsigned (base64): withdraws the nonce account's lamports to the owner; "
        "the Registry authority's wallet signs, pays and sends it"
    )
