"""Meter ids: canonical UUID strings off chain, 16 big-endian bytes on chain."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.core import (
    METER_ID_LEN,
    MeterIdError,
    meter_id_from_bytes,
    meter_id_to_bytes,
    new_meter_id,
    parse_meter_id,
)

KNOWN = "00112233-4455-6677-8899-aabbccddeeff"
KNOWN_BYTES = bytes.fromhex("00112233445566778899aabbccddeeff")
NIL = "00000000-0000-0000-0000-000000000000"
MAX = "ffffffff-ffff-ffff-ffff-ffffffffffff"

valid_ids = st.uuids().filter(lambda value: value.int not in (0, 2**128 - 1))


def test_new_meter_ids_are_random_v4_uuids() -> None:
    first, second = new_meter_id(), new_meter_id()
    assert isinstance(first, uuid.UUID)
    assert first.version == 4
    assert first != second


@pytest.mark.parametrize("text", [KNOWN, KNOWN.upper()])
def test_parse_canonical_strings(text: str) -> None:
    assert parse_meter_id(text) == uuid.UUID(KNOWN)
    assert str(parse_meter_id(text)) == KNOWN


def test_parse_accepts_uuid_objects() -> None:
    assert parse_meter_id(uuid.UUID(KNOWN)) == uuid.UUID(KNOWN)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not-a-uuid",
        "{" + KNOWN + "}",
        "urn:uuid:" + KNOWN,
        KNOWN.replace("-", ""),
        KNOWN + " ",
        " " + KNOWN,
        KNOWN[:-1],
        KNOWN[:-1] + "g",
        KNOWN.replace("-", "_"),
    ],
)
def test_parse_refuses_non_canonical_strings(text: str) -> None:
    with pytest.raises(MeterIdError, match="is not a meter id: expected a UUID in the canonical"):
        parse_meter_id(text)


@pytest.mark.parametrize(("text", "name"), [(NIL, "nil"), (MAX, "max")])
def test_nil_and_max_are_refused(text: str, name: str) -> None:
    for value in (text, uuid.UUID(text)):
        with pytest.raises(MeterIdError, match=f"meter id {text} is the {name} UUID"):
            parse_meter_id(value)
    with pytest.raises(MeterIdError, match=f"{name} UUID"):
        meter_id_from_bytes(uuid.UUID(text).bytes)
    with pytest.raises(MeterIdError, match=f"{name} UUID"):
        meter_id_to_bytes(uuid.UUID(text))


@pytest.mark.parametrize("value", [None, 42, KNOWN_BYTES])
def test_parse_refuses_other_types(value: object) -> None:
    with pytest.raises(MeterIdError, match=r"must be a str or uuid\.UUID"):
        parse_meter_id(value)  # type: ignore[arg-type]


def test_on_chain_bytes_are_big_endian() -> None:
    meter_id = parse_meter_id(KNOWN)
    assert meter_id_to_bytes(meter_id) == KNOWN_BYTES
    assert meter_id_to_bytes(meter_id) != meter_id.bytes_le
    assert len(KNOWN_BYTES) == METER_ID_LEN == 16
    assert meter_id_from_bytes(KNOWN_BYTES) == meter_id
    assert meter_id_from_bytes(bytearray(KNOWN_BYTES)) == meter_id
    assert meter_id_from_bytes(memoryview(b"\x00" + KNOWN_BYTES)[1:]) == meter_id


@pytest.mark.parametrize("length", [0, 15, 17, 32])
def test_from_bytes_refuses_other_lengths(length: int) -> None:
    with pytest.raises(MeterIdError, match=f"are {length} bytes long; a meter id on chain is"):
        meter_id_from_bytes(b"\x01" * length)


@pytest.mark.parametrize("value", [KNOWN, None, [0] * 16])
def test_from_bytes_refuses_other_types(value: object) -> None:
    with pytest.raises(MeterIdError, match="must be bytes, bytearray or memoryview"):
        meter_id_from_bytes(value)  # type: ignore[arg-type]


@given(valid_ids)
def test_round_trips(meter_id: uuid.UUID) -> None:
    assert parse_meter_id(str(meter_id)) == meter_id
    assert parse_meter_id(str(meter_id).upper()) == meter_id
    assert meter_id_from_bytes(meter_id_to_bytes(meter_id)) == meter_id


@given(valid_ids, valid_ids)
def test_byte_order_matches_string_order(first: uuid.UUID, second: uuid.UUID) -> None:
    # Big-endian bytes sort like the canonical strings, so on-chain and database orders agree.
    assert (meter_id_to_bytes(first) < meter_id_to_bytes(second)) == (str(first) < str(second))
