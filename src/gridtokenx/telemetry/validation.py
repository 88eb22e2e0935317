"""Which readings ingestion accepts, and why it rejects the others (pure: no I/O).

A reading is accepted when, in this order: its record is a schema-1 envelope holding a
well-formed message whose meter id matches the record key; the meter is commissioned and
active; its timestamp is not beyond ``now + max_clock_skew_ms``; the device key signed it; its
timestamp is later than the meter's last accepted reading and neither register went back; and
the energy since that reading is physically possible for the meter (registers may grow by at
most ``max_*_w * elapsed`` Wh, plus 1 Wh of rounding carry).

An exact repeat of the last accepted reading is a *duplicate* (a meter that sent twice): it is
counted and dropped, never stored twice and never dead-lettered. Readings of one meter are
checked in record order against a watermark that advances as each is accepted.
"""

from __future__ import annotations

import struct
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from gridtokenx.telemetry.envelope import ENVELOPE_LEN, SCHEMA_VERSION
from gridtokenx.telemetry.reading import READING_DOMAIN_TAG, READING_MESSAGE_LEN

_MESSAGE = struct.Struct("<16s16sQQq")
_MS_PER_HOUR = 3_600_000
_ROUNDING_CARRY_WH = 1


class RejectReason(StrEnum):
    MALFORMED = "malformed"
    UNSUPPORTED_SCHEMA = "unsupported_schema"
    KEY_MISMATCH = "key_mismatch"
    UNKNOWN_METER = "unknown_meter"
    METER_NOT_ACTIVE = "meter_not_active"
    FUTURE_TIMESTAMP = "future_timestamp"
    BAD_SIGNATURE = "bad_signature"
    TIMESTAMP_NOT_INCREASING = "timestamp_not_increasing"
    REGISTER_BACKWARDS = "register_backwards"
    IMPLAUSIBLE_ENERGY = "implausible_energy"


@dataclass(frozen=True, slots=True)
class MeterProfile:
    """What ingestion knows of a commissioned meter."""

    device_pubkey: bytes
    max_export_w: int
    max_import_w: int
    active: bool


@dataclass(frozen=True, slots=True)
class Watermark:
    """A meter's last accepted reading (at commissioning: zero registers, commissioning time)."""

    timestamp_ms: int
    export_wh: int
    import_wh: int


@dataclass(frozen=True, slots=True)
class Reading:
    meter_id: uuid.UUID
    export_wh: int
    import_wh: int
    timestamp_ms: int
    message: bytes
    signature: bytes


@dataclass(frozen=True, slots=True)
class Accepted:
    reading: Reading


@dataclass(frozen=True, slots=True)
class Duplicate:
    reading: Reading


@dataclass(frozen=True, slots=True)
class Rejected:
    reason: RejectReason
    detail: str


Outcome = Accepted | Duplicate | Rejected
SignatureCheck = Callable[[Sequence[tuple[bytes, bytes, bytes]]], list[bool]]
"""Verifies ``(public_key, message, signature)`` triples; one bool per triple."""


@dataclass(frozen=True)
class ValidationPolicy:
    now_ms: int
    max_clock_skew_ms: int = 5 * 60 * 1000


def _decode(key: bytes | None, value: bytes | None) -> Reading | Rejected:
    if value is None or len(value) == 0:
        return Rejected(RejectReason.MALFORMED, "empty record value")
    if value[0] != SCHEMA_VERSION:
        return Rejected(
            RejectReason.UNSUPPORTED_SCHEMA,
            f"schema version {value[0]}; this service reads version {SCHEMA_VERSION}",
        )
    if len(value) != ENVELOPE_LEN:
        return Rejected(
            RejectReason.MALFORMED, f"record value is {len(value)} bytes, not {ENVELOPE_LEN}"
        )
    message = value[1 : 1 + READING_MESSAGE_LEN]
    tag, meter_bytes, export_wh, import_wh, timestamp_ms = _MESSAGE.unpack(message)
    if tag != READING_DOMAIN_TAG:
        return Rejected(RejectReason.MALFORMED, f"message domain tag {tag!r}")
    if key != meter_bytes:
        return Rejected(RejectReason.KEY_MISMATCH, "record key is not the message's meter id")
    if timestamp_ms < 0:
        return Rejected(RejectReason.MALFORMED, f"negative timestamp {timestamp_ms}")
    return Reading(
        uuid.UUID(bytes=meter_bytes),
        export_wh,
        import_wh,
        timestamp_ms,
        message,
        value[1 + READING_MESSAGE_LEN :],
    )


def _advance(reading: Reading, profile: MeterProfile, mark: Watermark) -> Outcome:
    if (reading.timestamp_ms, reading.export_wh, reading.import_wh) == (
        mark.timestamp_ms,
        mark.export_wh,
        mark.import_wh,
    ):
        return Duplicate(reading)
    if reading.timestamp_ms <= mark.timestamp_ms:
        return Rejected(
            RejectReason.TIMESTAMP_NOT_INCREASING,
            f"meter {reading.meter_id}: timestamp {reading.timestamp_ms} ms is not after the "
            f"last accepted {mark.timestamp_ms} ms",
        )
    if reading.export_wh < mark.export_wh or reading.import_wh < mark.import_wh:
        return Rejected(
            RejectReason.REGISTER_BACKWARDS,
            f"meter {reading.meter_id}: registers export {reading.export_wh} import "
            f"{reading.import_wh} Wh went below {mark.export_wh} / {mark.import_wh} Wh",
        )
    elapsed_ms = reading.timestamp_ms - mark.timestamp_ms
    for name, delta_wh, limit_w in (
        ("export", reading.export_wh - mark.export_wh, profile.max_export_w),
        ("import", reading.import_wh - mark.import_wh, profile.max_import_w),
    ):
        # delta_wh <= limit_w * elapsed_ms / 3 600 000, kept in integers.
        if (delta_wh - _ROUNDING_CARRY_WH) * _MS_PER_HOUR > limit_w * elapsed_ms:
            return Rejected(
                RejectReason.IMPLAUSIBLE_ENERGY,
                f"meter {reading.meter_id}: {name} of {delta_wh} Wh in {elapsed_ms} ms exceeds "
                f"its {limit_w} W limit",
            )
    return Accepted(reading)


def validate_records(
    records: Sequence[tuple[bytes | None, bytes | None]],
    profiles: Mapping[uuid.UUID, MeterProfile],
    watermarks: dict[uuid.UUID, Watermark],
    policy: ValidationPolicy,
    check_signatures: SignatureCheck,
) -> list[Outcome]:
    """One outcome per ``(key, value)`` record, in order; advances ``watermarks`` in place.

    Every meter in ``profiles`` must have a watermark (its commissioning one at first).
    """
    outcomes: list[Outcome | Reading] = []
    to_verify: list[int] = []
    for key, value in records:
        decoded = _decode(key, value)
        if isinstance(decoded, Reading):
            profile = profiles.get(decoded.meter_id)
            if profile is None:
                decoded = Rejected(
                    RejectReason.UNKNOWN_METER, f"meter {decoded.meter_id} is not commissioned"
                )
            elif not profile.active:
                decoded = Rejected(
                    RejectReason.METER_NOT_ACTIVE, f"meter {decoded.meter_id} is not active"
                )
            elif decoded.timestamp_ms > policy.now_ms + policy.max_clock_skew_ms:
                decoded = Rejected(
                    RejectReason.FUTURE_TIMESTAMP,
                    f"meter {decoded.meter_id}: timestamp {decoded.timestamp_ms} ms is more than "
                    f"{policy.max_clock_skew_ms} ms ahead of {policy.now_ms} ms",
                )
            else:
                to_verify.append(len(outcomes))
        outcomes.append(decoded)
    triples = []
    for index in to_verify:
        reading = outcomes[index]
        assert isinstance(reading, Reading)
        triples.append(
            (profiles[reading.meter_id].device_pubkey, reading.message, reading.signature)
        )
    for index, valid in zip(to_verify, check_signatures(triples), strict=True):
        reading = outcomes[index]
        assert isinstance(reading, Reading)
        if not valid:
            outcomes[index] = Rejected(
                RejectReason.BAD_SIGNATURE,
                f"meter {reading.meter_id}: signature does not verify with its device key",
            )
            continue
        outcome = _advance(reading, profiles[reading.meter_id], watermarks[reading.meter_id])
        if isinstance(outcome, Accepted):
            watermarks[reading.meter_id] = Watermark(
                reading.timestamp_ms, reading.export_wh, reading.import_wh
            )
        outcomes[index] = outcome
    final: list[Outcome] = []
    for result in outcomes:
        assert not isinstance(result, Reading), "every decoded reading was verified"
        final.append(result)
    return final
