from __future__ import annotations

import uuid

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.core.ids import MeterId
from gridtokenx.telemetry import (
    I64_MAX,
    READING_DOMAIN_TAG,
    READING_MESSAGE_LEN,
    ReadingDomainTagError,
    ReadingLengthError,
    ReadingMessage,
    ReadingRangeError,
    SignedReading,
    decode_reading,
    encode_reading,
    encode_readings,
)

U64_MAX = 2**64 - 1
METER = MeterId(uuid.UUID("0b6f5d5e-3c1a-4f7e-9d2b-8a4c6e1f2a3b"))

# The contract with the C Registry: this exact message must encode to exactly these bytes.
KNOWN_MESSAGE = ReadingMessage(
    meter_id=METER, export_wh=1_234_567, import_wh=2**40 + 5, timestamp_ms=1_772_409_600_123
)
KNOWN_BYTES = bytes.fromhex(
    "47524944544f4b454e583a5244473a31"  # "GRIDTOKENX:RDG:1"
    "0b6f5d5e3c1a4f7e9d2b8a4c6e1f2a3b"  # meter id, RFC 4122 order
    "87d6120000000000"  # export 1,234,567 Wh, u64 LE
    "0500000000010000"  # import 2**40 + 5 Wh, u64 LE
    "7b38d8ab9c010000"  # 1,772,409,600,123 ms, i64 LE
)

meter_ids = st.uuids().filter(lambda u: u.int not in (0, 2**128 - 1)).map(MeterId)
registers = st.integers(min_value=0, max_value=U64_MAX)
timestamps = st.integers(min_value=0, max_value=I64_MAX)
messages = st.builds(
    ReadingMessage,
    meter_id=meter_ids,
    export_wh=registers,
    import_wh=registers,
    timestamp_ms=timestamps,
)


def test_known_message_encodes_to_the_documented_bytes() -> None:
    assert len(KNOWN_BYTES) == READING_MESSAGE_LEN == 56
    assert encode_reading(KNOWN_MESSAGE) == KNOWN_BYTES
    assert decode_reading(KNOWN_BYTES) == KNOWN_MESSAGE


@given(messages)
def test_round_trip(message: ReadingMessage) -> None:
    encoded = encode_reading(message)
    assert len(encoded) == READING_MESSAGE_LEN
    assert encoded.startswith(READING_DOMAIN_TAG)
    assert decode_reading(encoded) == message


@given(st.binary().filter(lambda b: len(b) != READING_MESSAGE_LEN))
def test_wrong_length_is_refused(data: bytes) -> None:
    with pytest.raises(ReadingLengthError, match="exactly 56 bytes"):
        decode_reading(data)


def test_other_version_of_the_tag_is_refused_as_a_version() -> None:
    data = b"GRIDTOKENX:RDG:2" + KNOWN_BYTES[16:]
    with pytest.raises(ReadingDomainTagError, match="version"):
        decode_reading(data)


@given(st.binary(min_size=16, max_size=16).filter(lambda tag: tag != READING_DOMAIN_TAG))
def test_any_other_tag_is_refused(tag: bytes) -> None:
    with pytest.raises(ReadingDomainTagError):
        decode_reading(tag + KNOWN_BYTES[16:])


@pytest.mark.parametrize("meter_id", [b"\x00" * 16, b"\xff" * 16])
def test_nil_and_max_meter_ids_are_refused(meter_id: bytes) -> None:
    with pytest.raises(ReadingRangeError, match="meter_id"):
        decode_reading(KNOWN_BYTES[:16] + meter_id + KNOWN_BYTES[32:])


def test_negative_timestamp_is_refused_on_decode() -> None:
    data = KNOWN_BYTES[:48] + (-1).to_bytes(8, "little", signed=True)
    with pytest.raises(ReadingRangeError, match="timestamp_ms"):
        decode_reading(data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("export_wh", -1),
        ("export_wh", U64_MAX + 1),
        ("import_wh", -1),
        ("import_wh", True),
        ("timestamp_ms", -1),
        ("timestamp_ms", I64_MAX + 1),
    ],
)
def test_out_of_range_fields_are_refused_on_construction(field: str, value: int) -> None:
    fields: dict[str, object] = {
        "meter_id": METER,
        "export_wh": 0,
        "import_wh": 0,
        "timestamp_ms": 0,
        field: value,
    }
    with pytest.raises(ReadingRangeError, match=field):
        ReadingMessage(**fields)  # type: ignore[arg-type]


@given(
    st.lists(st.tuples(meter_ids, registers, registers), min_size=0, max_size=20),
    timestamps,
)
def test_vectorised_encoder_matches_one_by_one(
    rows: list[tuple[MeterId, int, int]], timestamp_ms: int
) -> None:
    ids = np.array([list(meter.bytes) for meter, _, _ in rows], dtype=np.uint8).reshape(-1, 16)
    exports = np.array([export for _, export, _ in rows], dtype=np.uint64)
    imports = np.array([imported for _, _, imported in rows], dtype=np.uint64)
    buffer = encode_readings(
        meter_ids=ids, export_wh=exports, import_wh=imports, timestamp_ms=timestamp_ms
    )
    expected = b"".join(
        encode_reading(
            ReadingMessage(
                meter_id=meter, export_wh=export, import_wh=imported, timestamp_ms=timestamp_ms
            )
        )
        for meter, export, imported in rows
    )
    assert buffer == expected


def test_vectorised_encoder_refuses_negative_registers_and_bad_shapes() -> None:
    ids = np.frombuffer(METER.bytes * 2, dtype=np.uint8).reshape(2, 16)
    good = np.array([1, 2], dtype=np.int64)
    with pytest.raises(ReadingRangeError, match="import_wh"):
        encode_readings(meter_ids=ids, export_wh=good, import_wh=np.array([0, -1]), timestamp_ms=0)
    with pytest.raises(ReadingLengthError, match="shape"):
        encode_readings(meter_ids=ids, export_wh=good[:1], import_wh=good, timestamp_ms=0)
    with pytest.raises(ReadingRangeError, match="timestamp_ms"):
        encode_readings(meter_ids=ids, export_wh=good, import_wh=good, timestamp_ms=-5)


def test_signed_reading_checks_key_and_signature_lengths() -> None:
    reading = SignedReading(message=KNOWN_MESSAGE, public_key=b"k" * 32, signature=b"s" * 64)
    assert reading.message_bytes() == KNOWN_BYTES
    with pytest.raises(ReadingRangeError, match="public key"):
        SignedReading(message=KNOWN_MESSAGE, public_key=b"k" * 31, signature=b"s" * 64)
    with pytest.raises(ReadingRangeError, match="signature"):
        SignedReading(message=KNOWN_MESSAGE, public_key=b"k" * 32, signature=b"s" * 65)
