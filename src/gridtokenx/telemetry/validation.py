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

The rules run over a whole batch at once (:func:`validate_batch`, numpy over the fixed-size
envelope fields): ingestion's cost per reading is the signature, not Python. Known meters live
in a :class:`MeterTable` (one slot per meter: key, limits, watermark). :func:`validate_records`
is the same check over ``(key, value)`` pairs and per-meter mappings, returning one
:data:`Outcome` object per record.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import repeat
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from gridtokenx.telemetry.envelope import ENVELOPE_DTYPE, ENVELOPE_LEN, SCHEMA_VERSION
from gridtokenx.telemetry.reading import (
    I64_MAX,
    PUBLIC_KEY_LEN,
    READING_DOMAIN_TAG,
    READING_MESSAGE_LEN,
    SIGNATURE_LEN,
)

_MS_PER_HOUR: Final = 3_600_000
_ROUNDING_CARRY_WH: Final = 1
_METER_ID_LEN: Final = 16
_TAG: Final = np.frombuffer(READING_DOMAIN_TAG, np.uint8)
_MESSAGE: Final = slice(1, 1 + READING_MESSAGE_LEN)
_METER: Final = slice(1 + len(READING_DOMAIN_TAG), 1 + len(READING_DOMAIN_TAG) + _METER_ID_LEN)
_SIGNATURE: Final = slice(1 + READING_MESSAGE_LEN, ENVELOPE_LEN)

Int64Array = npt.NDArray[np.int64]
UInt64Array = npt.NDArray[np.uint64]
BoolArray = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int8]


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


_REASONS: Final = tuple(RejectReason)
ACCEPTED: Final = -1
"""Code of an accepted record in :attr:`BatchVerdict.codes` (rejections: index in RejectReason)."""
DUPLICATE: Final = -2
"""Code of a duplicate record in :attr:`BatchVerdict.codes`."""
_PENDING: Final = -3


def _code(reason: RejectReason) -> int:
    return _REASONS.index(reason)


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

SlotSignatureCheck = Callable[[bytes, npt.NDArray[np.uint32], bytes, bytes], BoolArray]
"""``(keys of every slot, slot of each signature, messages, signatures)`` → valid, per
signature; keys are 32 bytes per slot, messages 56 bytes and signatures 64 bytes each."""


@dataclass(frozen=True)
class ValidationPolicy:
    now_ms: int
    max_clock_skew_ms: int = 5 * 60 * 1000


class MeterTable:
    """Known meters, one slot each: id, device key, power limits, active flag, watermark.

    Slots only grow; :meth:`add` overwrites a meter already present. Watermarks move only
    through :meth:`advance`, which ingestion calls once a batch is durably stored.
    """

    def __init__(self) -> None:
        self.slot_of: dict[bytes, int] = {}
        """Slot of each meter, by the 16 bytes of its id (a record's key)."""
        self.meter_ids: list[uuid.UUID] = []
        self.public_keys = b""
        """32 bytes per slot."""
        self.max_export_w: Int64Array = np.empty(0, np.int64)
        self.max_import_w: Int64Array = np.empty(0, np.int64)
        self.active: BoolArray = np.empty(0, np.bool_)
        self.mark_timestamp_ms: Int64Array = np.empty(0, np.int64)
        self.mark_export_wh: UInt64Array = np.empty(0, np.uint64)
        self.mark_import_wh: UInt64Array = np.empty(0, np.uint64)

    def __len__(self) -> int:
        return len(self.meter_ids)

    def add(
        self, profiles: Mapping[uuid.UUID, MeterProfile], watermarks: Mapping[uuid.UUID, Watermark]
    ) -> None:
        """Add (or replace) these meters; each profile needs its watermark."""
        keys = bytearray(self.public_keys)
        grow = [meter_id for meter_id in profiles if meter_id.bytes not in self.slot_of]
        for meter_id in grow:
            self.slot_of[meter_id.bytes] = len(self.meter_ids)
            self.meter_ids.append(meter_id)
            keys.extend(bytes(PUBLIC_KEY_LEN))
        extra = len(grow)
        self.max_export_w = np.concatenate([self.max_export_w, np.zeros(extra, np.int64)])
        self.max_import_w = np.concatenate([self.max_import_w, np.zeros(extra, np.int64)])
        self.active = np.concatenate([self.active, np.zeros(extra, np.bool_)])
        self.mark_timestamp_ms = np.concatenate([self.mark_timestamp_ms, np.zeros(extra, np.int64)])
        self.mark_export_wh = np.concatenate([self.mark_export_wh, np.zeros(extra, np.uint64)])
        self.mark_import_wh = np.concatenate([self.mark_import_wh, np.zeros(extra, np.uint64)])
        for meter_id, profile in profiles.items():
            slot = self.slot_of[meter_id.bytes]
            self._set_profile(keys, slot, profile)
            mark = watermarks[meter_id]
            self.mark_timestamp_ms[slot] = mark.timestamp_ms
            self.mark_export_wh[slot] = mark.export_wh
            self.mark_import_wh[slot] = mark.import_wh
        self.public_keys = bytes(keys)

    def update_profiles(self, profiles: Mapping[uuid.UUID, MeterProfile]) -> list[uuid.UUID]:
        """Replace the profiles of meters already known, keeping their watermarks; return the
        meters whose device key changed. Unknown meters are skipped: they are learnt with their
        watermark through :meth:`add`."""
        keys = bytearray(self.public_keys)
        rekeyed = []
        for meter_id, profile in profiles.items():
            slot = self.slot_of.get(meter_id.bytes)
            if slot is None:
                continue
            if keys[slot * PUBLIC_KEY_LEN : (slot + 1) * PUBLIC_KEY_LEN] != profile.device_pubkey:
                rekeyed.append(meter_id)
            self._set_profile(keys, slot, profile)
        self.public_keys = bytes(keys)
        return rekeyed

    def _set_profile(self, keys: bytearray, slot: int, profile: MeterProfile) -> None:
        keys[slot * PUBLIC_KEY_LEN : (slot + 1) * PUBLIC_KEY_LEN] = profile.device_pubkey
        self.max_export_w[slot] = profile.max_export_w
        self.max_import_w[slot] = profile.max_import_w
        self.active[slot] = profile.active

    def watermark(self, meter_id: uuid.UUID) -> Watermark:
        slot = self.slot_of[meter_id.bytes]
        return Watermark(
            int(self.mark_timestamp_ms[slot]),
            int(self.mark_export_wh[slot]),
            int(self.mark_import_wh[slot]),
        )

    def advance(self, verdict: BatchVerdict) -> None:
        """Move the watermarks to the batch's newest accepted reading of each meter."""
        latest = verdict.latest_accepted()
        slots = verdict.slots[latest]
        self.mark_timestamp_ms[slots] = verdict.timestamp_ms[latest]
        self.mark_export_wh[slots] = verdict.export_wh[latest]
        self.mark_import_wh[slots] = verdict.import_wh[latest]


@dataclass(frozen=True)
class BatchVerdict:
    """The outcome of each record of a batch, with its decoded fields (zero if undecodable)."""

    codes: Codes
    """ACCEPTED, DUPLICATE or the index of the RejectReason, per record."""
    details: dict[int, str]
    """Why, for each rejected record (by position)."""
    slots: Int64Array
    timestamp_ms: Int64Array
    export_wh: UInt64Array
    import_wh: UInt64Array
    envelopes: npt.NDArray[np.uint8] = field(repr=False)
    """The record values, 121 bytes per record (zeros where the value was not 121 bytes)."""

    def accepted(self) -> npt.NDArray[np.intp]:
        """Positions of the accepted records, in record order."""
        return np.flatnonzero(self.codes == ACCEPTED)

    def latest_accepted(self) -> npt.NDArray[np.intp]:
        """Position of the last accepted record of each meter that has one."""
        accepted = self.accepted()
        slots = self.slots[accepted]
        # np.unique keeps the first occurrence: look from the end.
        _, last = np.unique(slots[::-1], return_index=True)
        return accepted[len(accepted) - 1 - last]

    def slots_rejected_for(self, reason: RejectReason) -> Int64Array:
        """The slots (once each) of the meters with a record rejected for ``reason``."""
        return np.unique(self.slots[self.codes == _code(reason)])

    def rejected(self) -> list[tuple[int, Rejected]]:
        return [
            (index, Rejected(_REASONS[self.codes[index]], detail))
            for index, detail in sorted(self.details.items())
        ]

    def signature(self, index: int) -> bytes:
        return self.envelopes[index, _SIGNATURE].tobytes()

    def message(self, index: int) -> bytes:
        return self.envelopes[index, _MESSAGE].tobytes()


def validate_batch(
    keys: Sequence[bytes | None],
    values: Sequence[bytes | None],
    table: MeterTable,
    policy: ValidationPolicy,
    check_signatures: SlotSignatureCheck,
) -> BatchVerdict:
    """The verdict on each ``(keys[i], values[i])`` record, in order (``table`` unchanged)."""
    count = len(values)
    codes = np.full(count, _PENDING, np.int8)
    details: dict[int, str] = {}
    lengths = _lengths(values)
    whole = lengths == ENVELOPE_LEN
    if whole.all():
        buffer = b"".join(values)  # type: ignore[arg-type]
    else:
        for index in np.flatnonzero(~whole).tolist():
            value = values[index]
            if not value:
                _reject(codes, details, index, RejectReason.MALFORMED, "empty record value")
            elif value[0] != SCHEMA_VERSION:
                _reject_schema(codes, details, index, value[0])
            else:
                _reject(
                    codes,
                    details,
                    index,
                    RejectReason.MALFORMED,
                    f"record value is {len(value)} bytes, not {ENVELOPE_LEN}",
                )
        blank = bytes(ENVELOPE_LEN)
        buffer = b"".join(v if ok else blank for v, ok in zip(values, whole.tolist(), strict=True))  # type: ignore[misc]
    envelopes = np.frombuffer(buffer, np.uint8).reshape(count, ENVELOPE_LEN)
    fields = np.frombuffer(buffer, ENVELOPE_DTYPE)["message"]
    timestamp_ms = fields["timestamp_ms"].astype(np.int64)
    export_wh = fields["export_wh"].astype(np.uint64)
    import_wh = fields["import_wh"].astype(np.uint64)
    slots = np.fromiter(map(table.slot_of.get, keys, repeat(-1)), np.int64, count)  # type: ignore[arg-type]

    pending = codes == _PENDING
    for index in np.flatnonzero(pending & (envelopes[:, 0] != SCHEMA_VERSION)).tolist():
        _reject_schema(codes, details, index, int(envelopes[index, 0]))
    tags_ok = (envelopes[:, 1 : 1 + len(READING_DOMAIN_TAG)] == _TAG).all(axis=1)
    for index in np.flatnonzero((codes == _PENDING) & ~tags_ok).tolist():
        tag = envelopes[index, 1 : 1 + len(READING_DOMAIN_TAG)].tobytes()
        _reject(codes, details, index, RejectReason.MALFORMED, f"message domain tag {tag!r}")
    key_ok = _keys_match(keys, envelopes[:, _METER])
    for index in np.flatnonzero((codes == _PENDING) & ~key_ok).tolist():
        _reject(
            codes,
            details,
            index,
            RejectReason.KEY_MISMATCH,
            "record key is not the message's meter id",
        )
    for index in np.flatnonzero((codes == _PENDING) & (timestamp_ms < 0)).tolist():
        _reject(
            codes,
            details,
            index,
            RejectReason.MALFORMED,
            f"negative timestamp {timestamp_ms[index]}",
        )
    for index in np.flatnonzero((codes == _PENDING) & (slots < 0)).tolist():
        meter = _meter_of(envelopes, index)
        _reject(
            codes, details, index, RejectReason.UNKNOWN_METER, f"meter {meter} is not commissioned"
        )
    known = np.maximum(slots, 0)
    for index in np.flatnonzero((codes == _PENDING) & ~table.active[known]).tolist():
        meter = _meter_of(envelopes, index)
        _reject(
            codes, details, index, RejectReason.METER_NOT_ACTIVE, f"meter {meter} is not active"
        )
    horizon_ms = policy.now_ms + policy.max_clock_skew_ms
    # Timestamps are i64: none is beyond a horizon past the i64 range.
    future = (codes == _PENDING) & (timestamp_ms > min(horizon_ms, I64_MAX))
    for index in np.flatnonzero(future).tolist():
        _reject(
            codes,
            details,
            index,
            RejectReason.FUTURE_TIMESTAMP,
            f"meter {_meter_of(envelopes, index)}: timestamp {timestamp_ms[index]} ms is more "
            f"than {policy.max_clock_skew_ms} ms ahead of {policy.now_ms} ms",
        )

    candidates = np.flatnonzero(codes == _PENDING)
    if len(candidates):
        valid = check_signatures(
            table.public_keys,
            slots[candidates].astype(np.uint32),
            np.ascontiguousarray(envelopes[candidates, _MESSAGE]).tobytes(),
            np.ascontiguousarray(envelopes[candidates, _SIGNATURE]).tobytes(),
        )
        for index in candidates[~valid].tolist():
            _reject(
                codes,
                details,
                index,
                RejectReason.BAD_SIGNATURE,
                f"meter {_meter_of(envelopes, index)}: signature does not verify with its "
                "device key",
            )
        signed = candidates[valid]
        _advance(
            signed,
            codes,
            details,
            table,
            slots,
            timestamp_ms,
            export_wh,
            import_wh,
        )
    return BatchVerdict(codes, details, slots, timestamp_ms, export_wh, import_wh, envelopes)


def _advance(
    rows: npt.NDArray[np.intp],
    codes: Codes,
    details: dict[int, str],
    table: MeterTable,
    slots: Int64Array,
    timestamp_ms: Int64Array,
    export_wh: UInt64Array,
    import_wh: UInt64Array,
) -> None:
    """Check each signed reading against its meter's last accepted one, in record order.

    Every row is first checked against the row before it of the same meter, as if all were
    accepted; a meter's rows up to its first duplicate or rejection are then final, and the
    rest are checked again from the watermark as it stands after them.
    """
    rows = rows[np.argsort(slots[rows], kind="stable")]
    # Working watermarks of the batch's meters (by position in `touched`), moved as rows settle.
    touched = np.unique(slots[rows])
    mark_ts = table.mark_timestamp_ms[touched]
    mark_export = table.mark_export_wh[touched]
    mark_import = table.mark_import_wh[touched]
    while len(rows):
        meter = slots[rows]
        local = np.searchsorted(touched, meter)
        first = np.ones(len(rows), np.bool_)
        first[1:] = meter[1:] != meter[:-1]
        start = np.flatnonzero(first)
        previous = np.roll(rows, 1)
        prev_ts = timestamp_ms[previous]
        prev_export = export_wh[previous]
        prev_import = import_wh[previous]
        prev_ts[start] = mark_ts[local[start]]
        prev_export[start] = mark_export[local[start]]
        prev_import[start] = mark_import[local[start]]
        outcome = _check_progress(
            timestamp_ms[rows],
            export_wh[rows],
            import_wh[rows],
            prev_ts,
            prev_export,
            prev_import,
            table.max_export_w[meter],
            table.max_import_w[meter],
        )
        # A row is final when every earlier row of its meter in this pass was accepted.
        failed = (outcome != ACCEPTED).astype(np.int64)
        failed_before = np.cumsum(failed) - failed
        group_of = np.cumsum(first) - 1
        final = failed_before == failed_before[start][group_of]
        for position in np.flatnonzero(final & (outcome >= 0)).tolist():
            index = int(rows[position])
            details[index] = _progress_detail(
                _REASONS[outcome[position]],
                table.meter_ids[int(meter[position])],
                int(timestamp_ms[index]),
                int(export_wh[index]),
                int(import_wh[index]),
                Watermark(
                    int(prev_ts[position]), int(prev_export[position]), int(prev_import[position])
                ),
                int(table.max_export_w[meter[position]]),
                int(table.max_import_w[meter[position]]),
            )
        codes[rows[final]] = outcome[final]
        # The last accepted row of a meter settled in this pass is its watermark now.
        accepted = np.flatnonzero(final & (outcome == ACCEPTED))
        last = np.ones(len(accepted), np.bool_)
        last[:-1] = meter[accepted[1:]] != meter[accepted[:-1]]
        newest, mark = rows[accepted[last]], local[accepted[last]]
        mark_ts[mark] = timestamp_ms[newest]
        mark_export[mark] = export_wh[newest]
        mark_import[mark] = import_wh[newest]
        rows = rows[~final]


def _check_progress(
    timestamp_ms: Int64Array,
    export_wh: UInt64Array,
    import_wh: UInt64Array,
    prev_ts: Int64Array,
    prev_export: UInt64Array,
    prev_import: UInt64Array,
    max_export_w: Int64Array,
    max_import_w: Int64Array,
) -> Codes:
    """ACCEPTED, DUPLICATE or the rejection of each reading against its predecessor."""
    # int64 is exact when nothing below can pass 2**62; otherwise Python ints (object arrays).
    registers = [export_wh, import_wh, prev_export, prev_import]
    largest_register = max(int(array.max()) for array in registers)
    largest_ts = max(int(timestamp_ms.max()), int(prev_ts.max()))
    smallest_ts = min(int(timestamp_ms.min()), int(prev_ts.min()))
    largest_limit = max(int(max_export_w.max()), int(max_import_w.max()))
    exact_in_int64 = (
        largest_register < 2**40
        and smallest_ts >= 0
        and largest_ts < 2**62
        and largest_limit * (largest_ts - smallest_ts) < 2**62
    )
    kind: type = np.int64 if exact_in_int64 else object
    ts: npt.NDArray[Any] = timestamp_ms.astype(kind)
    prev_t: npt.NDArray[Any] = prev_ts.astype(kind)
    export: npt.NDArray[Any] = export_wh.astype(kind)
    prev_e: npt.NDArray[Any] = prev_export.astype(kind)
    import_: npt.NDArray[Any] = import_wh.astype(kind)
    prev_i: npt.NDArray[Any] = prev_import.astype(kind)
    elapsed_ms = ts - prev_t
    too_much_export = (export - prev_e - _ROUNDING_CARRY_WH) * _MS_PER_HOUR > (
        max_export_w.astype(kind) * elapsed_ms
    )
    too_much_import = (import_ - prev_i - _ROUNDING_CARRY_WH) * _MS_PER_HOUR > (
        max_import_w.astype(kind) * elapsed_ms
    )
    conditions = [
        (ts == prev_t) & (export == prev_e) & (import_ == prev_i),
        ts <= prev_t,
        (export < prev_e) | (import_ < prev_i),
        np.asarray(too_much_export | too_much_import, np.bool_),
    ]
    choices = [
        DUPLICATE,
        _code(RejectReason.TIMESTAMP_NOT_INCREASING),
        _code(RejectReason.REGISTER_BACKWARDS),
        _code(RejectReason.IMPLAUSIBLE_ENERGY),
    ]
    return np.select([np.asarray(c, np.bool_) for c in conditions], choices, ACCEPTED).astype(
        np.int8
    )


def _progress_detail(
    reason: RejectReason,
    meter_id: uuid.UUID,
    timestamp_ms: int,
    export_wh: int,
    import_wh: int,
    mark: Watermark,
    max_export_w: int,
    max_import_w: int,
) -> str:
    if reason is RejectReason.TIMESTAMP_NOT_INCREASING:
        return (
            f"meter {meter_id}: timestamp {timestamp_ms} ms is not after the last accepted "
            f"{mark.timestamp_ms} ms"
        )
    if reason is RejectReason.REGISTER_BACKWARDS:
        return (
            f"meter {meter_id}: registers export {export_wh} import {import_wh} Wh went below "
            f"{mark.export_wh} / {mark.import_wh} Wh"
        )
    elapsed_ms = timestamp_ms - mark.timestamp_ms
    name, delta_wh, limit_w = ("export", export_wh - mark.export_wh, max_export_w)
    if (delta_wh - _ROUNDING_CARRY_WH) * _MS_PER_HOUR <= limit_w * elapsed_ms:
        name, delta_wh, limit_w = ("import", import_wh - mark.import_wh, max_import_w)
    return (
        f"meter {meter_id}: {name} of {delta_wh} Wh in {elapsed_ms} ms exceeds its "
        f"{limit_w} W limit"
    )


def _keys_match(keys: Sequence[bytes | None], meter_ids: npt.NDArray[np.uint8]) -> BoolArray:
    well_sized = _lengths(keys) == _METER_ID_LEN
    if well_sized.all():
        joined = b"".join(keys)  # type: ignore[arg-type]
    else:
        blank = bytes(_METER_ID_LEN)
        joined = b"".join(
            key if ok else blank  # type: ignore[misc]
            for key, ok in zip(keys, well_sized.tolist(), strict=True)
        )
    key_bytes = np.frombuffer(joined, np.uint8).reshape(len(keys), _METER_ID_LEN)
    matches: BoolArray = (key_bytes == meter_ids).all(axis=1) & well_sized
    return matches


def _lengths(items: Sequence[bytes | None]) -> Int64Array:
    """The length of each item, 0 for None."""
    try:
        return np.fromiter(map(len, items), np.int64, len(items))  # type: ignore[arg-type]
    except TypeError:  # a None among them (rare: a record without key or value)
        return np.fromiter((0 if item is None else len(item) for item in items), np.int64)


def _meter_of(envelopes: npt.NDArray[np.uint8], index: int) -> uuid.UUID:
    return uuid.UUID(bytes=envelopes[index, _METER].tobytes())


def _reject(
    codes: Codes, details: dict[int, str], index: int, reason: RejectReason, detail: str
) -> None:
    codes[index] = _code(reason)
    details[index] = detail


def _reject_schema(codes: Codes, details: dict[int, str], index: int, version: int) -> None:
    _reject(
        codes,
        details,
        index,
        RejectReason.UNSUPPORTED_SCHEMA,
        f"schema version {version}; this service reads version {SCHEMA_VERSION}",
    )


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
    table = MeterTable()
    table.add(profiles, watermarks)

    def check_triples(
        public_keys: bytes, slots: npt.NDArray[np.uint32], messages: bytes, signatures: bytes
    ) -> BoolArray:
        triples = [
            (
                public_keys[slot * PUBLIC_KEY_LEN : (slot + 1) * PUBLIC_KEY_LEN],
                messages[i * READING_MESSAGE_LEN : (i + 1) * READING_MESSAGE_LEN],
                signatures[i * SIGNATURE_LEN : (i + 1) * SIGNATURE_LEN],
            )
            for i, slot in enumerate(slots.tolist())
        ]
        valid: BoolArray = np.array(check_signatures(triples), np.bool_).reshape(len(triples))
        return valid

    keys = [key for key, _ in records]
    verdict = validate_batch(keys, [value for _, value in records], table, policy, check_triples)
    table.advance(verdict)
    for slot in verdict.slots[verdict.latest_accepted()].tolist():
        meter_id = table.meter_ids[slot]
        watermarks[meter_id] = table.watermark(meter_id)
    rejected = dict(verdict.rejected())
    outcomes: list[Outcome] = []
    for index, code in enumerate(verdict.codes.tolist()):
        if code >= 0:
            outcomes.append(rejected[index])
            continue
        reading = Reading(
            table.meter_ids[int(verdict.slots[index])],
            int(verdict.export_wh[index]),
            int(verdict.import_wh[index]),
            int(verdict.timestamp_ms[index]),
            verdict.message(index),
            verdict.signature(index),
        )
        outcomes.append(Accepted(reading) if code == ACCEPTED else Duplicate(reading))
    return outcomes
