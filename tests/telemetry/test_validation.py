from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from solders.keypair import Keypair

from gridtokenx.core.ids import MeterId
from gridtokenx.telemetry.envelope import encode_envelope
from gridtokenx.telemetry.reading import READING_DOMAIN_TAG, ReadingMessage, encode_reading
from gridtokenx.telemetry.signatures import SlotVerifier, verify_each
from gridtokenx.telemetry.validation import (
    Accepted,
    Duplicate,
    MeterProfile,
    MeterTable,
    Rejected,
    RejectReason,
    ValidationPolicy,
    Watermark,
    validate_batch,
    validate_records,
)

NOW_MS = 1_800_000_000_000


class Fleet:
    def __init__(self, count: int = 2, max_w: int = 10_000) -> None:
        self.devices = {uuid.uuid4(): Keypair() for _ in range(count)}
        self.profiles = {
            meter: MeterProfile(bytes(device.pubkey()), max_w, max_w, True)
            for meter, device in self.devices.items()
        }
        self.watermarks = {meter: Watermark(NOW_MS - 3_600_000, 0, 0) for meter in self.devices}

    @property
    def meters(self) -> list[uuid.UUID]:
        return list(self.devices)

    def record(
        self,
        meter: uuid.UUID,
        export_wh: int,
        import_wh: int,
        timestamp_ms: int,
        signer: Keypair | None = None,
    ) -> tuple[bytes, bytes]:
        message = encode_reading(
            ReadingMessage(
                meter_id=MeterId(meter),
                export_wh=export_wh,
                import_wh=import_wh,
                timestamp_ms=timestamp_ms,
            )
        )
        signature = bytes((signer or self.devices[meter]).sign_message(message))
        return meter.bytes, encode_envelope(message, signature)

    def validate(self, records: list[tuple[bytes | None, bytes | None]]) -> list[object]:
        return list(
            validate_records(
                records, self.profiles, self.watermarks, ValidationPolicy(NOW_MS), verify_each
            )
        )


def _reason(outcome: object) -> RejectReason:
    assert isinstance(outcome, Rejected), outcome
    return outcome.reason


def test_valid_readings_are_accepted_in_order_and_advance_the_watermark() -> None:
    fleet = Fleet()
    meter = fleet.meters[0]
    outcomes = fleet.validate(
        [
            fleet.record(meter, 100, 10, NOW_MS - 1_800_000),
            fleet.record(meter, 200, 10, NOW_MS - 900_000),
        ]
    )
    assert all(isinstance(outcome, Accepted) for outcome in outcomes)
    assert fleet.watermarks[meter] == Watermark(NOW_MS - 900_000, 200, 10)


def test_exact_repeat_of_the_last_accepted_reading_is_a_duplicate() -> None:
    fleet = Fleet()
    meter = fleet.meters[0]
    record = fleet.record(meter, 100, 0, NOW_MS - 60_000)
    outcomes = fleet.validate([record, record])
    assert isinstance(outcomes[0], Accepted)
    assert isinstance(outcomes[1], Duplicate)


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        (b"k", None, RejectReason.MALFORMED),
        (b"k", b"", RejectReason.MALFORMED),
        (b"k", b"\x02" + bytes(120), RejectReason.UNSUPPORTED_SCHEMA),
        (b"k", b"\x01" + bytes(50), RejectReason.MALFORMED),
        (b"k", b"\x01" + b"NOT-A-READING!!!" + bytes(104), RejectReason.MALFORMED),
    ],
)
def test_malformed_records(key: bytes, value: bytes | None, reason: RejectReason) -> None:
    assert _reason(Fleet().validate([(key, value)])[0]) is reason


def test_each_bad_reading_has_its_reason() -> None:
    fleet = Fleet()
    meter, other = fleet.meters
    stranger = uuid.uuid4()
    fleet.profiles[other] = MeterProfile(fleet.profiles[other].device_pubkey, 1, 1, False)
    _, value = fleet.record(meter, 5, 0, NOW_MS - 1_000)
    cases = [
        ((other.bytes, value), RejectReason.KEY_MISMATCH),
        (fleet.record(other, 5, 0, NOW_MS - 1_000), RejectReason.METER_NOT_ACTIVE),
        (
            (
                stranger.bytes,
                encode_envelope(READING_DOMAIN_TAG + stranger.bytes + bytes(24), bytes(64)),
            ),
            RejectReason.UNKNOWN_METER,
        ),
        (fleet.record(meter, 5, 0, NOW_MS + 3_600_000), RejectReason.FUTURE_TIMESTAMP),
        (fleet.record(meter, 5, 0, NOW_MS - 1_000, signer=Keypair()), RejectReason.BAD_SIGNATURE),
        (fleet.record(meter, 5, 0, NOW_MS - 7_200_000), RejectReason.TIMESTAMP_NOT_INCREASING),
        # 10 kW for one hour is 10 kWh at most: 20 kWh cannot have been exported.
        (fleet.record(meter, 20_000, 0, NOW_MS), RejectReason.IMPLAUSIBLE_ENERGY),
        (fleet.record(meter, 0, 20_000, NOW_MS), RejectReason.IMPLAUSIBLE_ENERGY),
    ]
    for record, reason in cases:
        assert _reason(fleet.validate([record])[0]) is reason, reason
    assert fleet.watermarks[meter] == Watermark(NOW_MS - 3_600_000, 0, 0)
    fleet.validate([fleet.record(meter, 50, 50, NOW_MS - 60_000)])
    assert _reason(fleet.validate([fleet.record(meter, 49, 60, NOW_MS - 30_000)])[0]) is (
        RejectReason.REGISTER_BACKWARDS
    )


def test_a_rejected_reading_does_not_block_the_next_good_one() -> None:
    fleet = Fleet()
    meter = fleet.meters[0]
    outcomes = fleet.validate(
        [
            fleet.record(meter, 10, 0, NOW_MS - 1_000, signer=Keypair()),
            fleet.record(meter, 10, 0, NOW_MS - 1_000),
        ]
    )
    assert _reason(outcomes[0]) is RejectReason.BAD_SIGNATURE
    assert isinstance(outcomes[1], Accepted)


@settings(max_examples=30, deadline=None)
@given(steps=st.lists(st.tuples(st.integers(0, 2_000), st.integers(1, 600_000)), max_size=12))
def test_plausible_monotonic_sequences_are_all_accepted(steps: list[tuple[int, int]]) -> None:
    fleet = Fleet(count=1, max_w=20_000)
    meter = fleet.meters[0]
    timestamp_ms, export_wh, records = NOW_MS - 3_600_000, 0, []
    for energy_wh, elapsed_ms in steps:
        # Keep within 20 kW: at most 20_000 * elapsed / 3.6e6 Wh (+1 Wh carry).
        energy_wh = min(energy_wh, 20_000 * elapsed_ms // 3_600_000 + 1)
        timestamp_ms += elapsed_ms
        export_wh += energy_wh
        if timestamp_ms > NOW_MS:
            break
        records.append(fleet.record(meter, export_wh, 0, timestamp_ms))
    outcomes = fleet.validate(list(records))
    assert all(isinstance(o, Accepted | Duplicate) for o in outcomes), outcomes


_STEP = st.sampled_from(["good", "duplicate", "stale", "backwards", "burst", "forged"])


@settings(max_examples=40, deadline=None)
@given(
    steps=st.lists(st.tuples(st.integers(0, 2), _STEP, st.integers(1, 900_000)), max_size=40),
    split=st.integers(0, 40),
)
def test_interleaved_meters_with_bad_readings_match_a_one_by_one_reading_of_the_rules(
    steps: list[tuple[int, str, int]], split: int
) -> None:
    """Whole batches (two of them) give each record the outcome of checking the records one by
    one against a watermark that only accepted readings move."""
    fleet = Fleet(count=3, max_w=20_000)
    meters = fleet.meters
    start = NOW_MS - 40 * 900_000
    fleet.watermarks = {meter: Watermark(start, 0, 0) for meter in meters}
    marks = dict.fromkeys(meters, (start, 0, 0))
    sent = dict.fromkeys(meters, (start, 0, 0))
    records: list[tuple[bytes | None, bytes | None]] = []
    expected: list[str] = []
    for which, kind, elapsed_ms in steps:
        meter = meters[which]
        ts, export_wh, import_wh = sent[meter]
        if kind == "duplicate":
            reading = marks[meter]
        elif kind == "stale":
            reading = (marks[meter][0] - elapsed_ms, export_wh + 1, import_wh)
        elif kind == "backwards":
            reading = (ts + elapsed_ms, max(marks[meter][1] - 1, 0) - 1, import_wh)
        elif kind == "burst":
            reading = (ts + elapsed_ms, export_wh + 20_000 * elapsed_ms // 3_600_000 + 2, 0)
        else:
            energy = 20_000 * elapsed_ms // 3_600_000 + 1
            reading = (ts + elapsed_ms, export_wh + energy // 2, import_wh + energy // 3)
        if reading[1] < 0 or reading[0] < 0:
            continue
        sent[meter] = reading if kind in ("good", "forged") else sent[meter]
        signer = Keypair() if kind == "forged" else None
        records.append(fleet.record(meter, reading[1], reading[2], reading[0], signer=signer))
        expected.append(_one_by_one(marks, meter, reading, forged=kind == "forged"))
    outcomes = fleet.validate(records[:split]) + fleet.validate(records[split:])
    assert [_kind(outcome) for outcome in outcomes] == expected
    for meter in meters:
        assert fleet.watermarks[meter] == Watermark(*marks[meter])


def _one_by_one(
    marks: dict[uuid.UUID, tuple[int, int, int]],
    meter: uuid.UUID,
    reading: tuple[int, int, int],
    *,
    forged: bool,
) -> str:
    if forged:
        return RejectReason.BAD_SIGNATURE.value
    ts, export_wh, import_wh = reading
    mark_ts, mark_export, mark_import = marks[meter]
    if reading == marks[meter]:
        return "duplicate"
    if ts <= mark_ts:
        return RejectReason.TIMESTAMP_NOT_INCREASING.value
    if export_wh < mark_export or import_wh < mark_import:
        return RejectReason.REGISTER_BACKWARDS.value
    elapsed_ms = ts - mark_ts
    for delta_wh in (export_wh - mark_export, import_wh - mark_import):
        if (delta_wh - 1) * 3_600_000 > 20_000 * elapsed_ms:
            return RejectReason.IMPLAUSIBLE_ENERGY.value
    marks[meter] = reading
    return "accepted"


def _kind(outcome: object) -> str:
    if isinstance(outcome, Accepted):
        return "accepted"
    if isinstance(outcome, Duplicate):
        return "duplicate"
    return _reason(outcome).value


def test_registers_near_the_top_of_u64_are_checked_exactly() -> None:
    fleet = Fleet(count=1, max_w=10_000)
    meter = fleet.meters[0]
    top = 2**64 - 1
    fleet.watermarks[meter] = Watermark(NOW_MS - 7_200_000, top - 10_002, 5)
    outcomes = fleet.validate(
        [
            # 10 kW for an hour: 10,000 Wh, plus the 1 Wh carry, is the most that can pass.
            fleet.record(meter, top - 1, 5, NOW_MS - 3_600_000),
            fleet.record(meter, top, 5, NOW_MS),
        ]
    )
    assert isinstance(outcomes[0], Accepted)
    assert isinstance(outcomes[1], Accepted)
    assert fleet.watermarks[meter] == Watermark(NOW_MS, top, 5)
    fleet.watermarks[meter] = Watermark(NOW_MS - 3_600_000, top - 10_002, 5)
    assert _reason(fleet.validate([fleet.record(meter, top, 5, NOW_MS)])[0]) is (
        RejectReason.IMPLAUSIBLE_ENERGY
    )


def test_a_record_without_key_or_with_a_short_key_is_a_key_mismatch() -> None:
    fleet = Fleet()
    meter = fleet.meters[0]
    _, value = fleet.record(meter, 5, 0, NOW_MS - 1_000)
    outcomes = fleet.validate([(None, value), (meter.bytes[:15], value), (meter.bytes, value)])
    assert [_kind(outcome) for outcome in outcomes] == [
        RejectReason.KEY_MISMATCH.value,
        RejectReason.KEY_MISMATCH.value,
        "accepted",
    ]


def test_updated_profiles_keep_the_watermarks_and_name_the_rekeyed_meters() -> None:
    fleet = Fleet(count=2)
    rekeyed, kept = fleet.meters
    table = MeterTable()
    table.add(fleet.profiles, fleet.watermarks)
    key, value = fleet.record(rekeyed, 100, 0, NOW_MS - 60_000)
    table.advance(validate_batch([key], [value], table, ValidationPolicy(NOW_MS), SlotVerifier()))
    new_device = Keypair()
    stranger = uuid.uuid4()
    changed = table.update_profiles(
        {
            rekeyed: MeterProfile(bytes(new_device.pubkey()), 5_000, 6_000, False),
            kept: fleet.profiles[kept],
            stranger: MeterProfile(bytes(Keypair().pubkey()), 1, 1, True),
        }
    )
    assert changed == [rekeyed]
    assert stranger.bytes not in table.slot_of
    slot = table.slot_of[rekeyed.bytes]
    assert table.public_keys[slot * 32 : slot * 32 + 32] == bytes(new_device.pubkey())
    assert (table.max_export_w[slot], table.max_import_w[slot], table.active[slot]) == (
        5_000,
        6_000,
        False,
    )
    assert table.watermark(rekeyed) == Watermark(NOW_MS - 60_000, 100, 0)
    assert table.watermark(kept) == fleet.watermarks[kept]
