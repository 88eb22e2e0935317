"""Request and response bodies of the energy routes (meters, readings, intervals, mints,
field-meter batches)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Base64Bytes, BaseModel, Field

from gridtokenx.telemetry.reading import READING_MESSAGE_LEN, SIGNATURE_LEN

MAX_BATCH_READINGS = 1000
"""The most readings one ``POST /v1/readings/batch`` carries."""

MeterStatusName = Literal["active", "suspended", "decommissioned"]


class Registers(BaseModel):
    """Cumulative registers in Wh at ``timestamp_ms`` (unix ms, UTC)."""

    export_wh: int
    import_wh: int
    timestamp_ms: int


class MeterPublic(BaseModel):
    """One of the caller's meters: its Registry account, or PostgreSQL's mirror of it."""

    meter_id: uuid.UUID
    source: Literal["chain", "mirror"] = Field(
        description="chain: read from the Registry account now; mirror: the minting "
        "service's record (the chain was not reachable, or did not list it)"
    )
    address: str | None = Field(
        description="The Registry MeterAccount PDA (base58); null before registration"
    )
    owner: str = Field(description="The owner wallet (one of the caller's)")
    kind: int = Field(description="1 solar, 2 consumer, 3 solar + battery, 4 EV charger")
    zone_id: int
    status: MeterStatusName
    minted_wh: int = Field(description="Wh of exported energy minted as GXT so far")
    chain_registers: Registers | None = Field(
        description="The registers the Registry last confirmed (what minting has reached)"
    )
    latest_reading: Registers | None = Field(description="The newest reading ingestion accepted")


class MetersPublic(BaseModel):
    data: list[MeterPublic]
    count: int
    chain_checked: bool = Field(
        description="False when the chain did not answer: the list is the mirror's only"
    )


class ReadingPoint(BaseModel):
    """The last registers of one time bucket (``time`` is the bucket's start)."""

    time: datetime
    export_wh: int
    import_wh: int


class ReadingsPublic(BaseModel):
    meter_id: uuid.UUID
    start: datetime
    end: datetime
    resolution_s: int = Field(description="The bucket width used (coarsened to fit the bound)")
    data: list[ReadingPoint]


class IntervalPublic(BaseModel):
    """One 15-minute interval: the energy in it and its last registers."""

    interval_start: datetime
    export_wh: int = Field(description="Wh exported during the interval")
    import_wh: int = Field(description="Wh imported during the interval")
    last_export_wh: int
    last_import_wh: int
    first_timestamp_ms: int
    last_timestamp_ms: int


class IntervalsPublic(BaseModel):
    meter_id: uuid.UUID
    data: list[IntervalPublic]


class MintPublic(BaseModel):
    """One mint transaction of the meter (from the mint ledger)."""

    tx_signature: str
    status: Literal["pending", "confirmed", "superseded", "failed"]
    export_wh: int
    import_wh: int
    timestamp_ms: int
    minted_wh: int | None
    created_at: datetime
    resolved_at: datetime | None


class MintsPublic(BaseModel):
    meter_id: uuid.UUID
    data: list[MintPublic]
    next_before: int | None = Field(
        description="Pass as ``before`` for the next (older) page; null on the last page"
    )


def _exact_length(length: int, name: str) -> AfterValidator:
    def check(value: bytes) -> bytes:
        if len(value) != length:
            raise ValueError(f"{name} must decode to exactly {length} bytes, got {len(value)}")
        return value

    return AfterValidator(check)


class SignedReadingIn(BaseModel):
    """One device-signed reading, as the meter made it."""

    message: Annotated[Base64Bytes, _exact_length(READING_MESSAGE_LEN, "message")] = Field(
        description="The 56-byte signed reading message (GRIDTOKENX:RDG:1 layout), base64"
    )
    signature: Annotated[Base64Bytes, _exact_length(SIGNATURE_LEN, "signature")] = Field(
        description="Ed25519 signature of the message by the meter's device key, base64"
    )


class ReadingBatchIn(BaseModel):
    readings: list[SignedReadingIn] = Field(min_length=1, max_length=MAX_BATCH_READINGS)


class ReadingBatchAccepted(BaseModel):
    """The batch is on ``topic``, acknowledged by the broker (ingestion follows)."""

    accepted: int
    topic: str
