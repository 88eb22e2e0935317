"""KeyRing: verification against keys held by slot, every signature judged on its own."""

from __future__ import annotations

import random
import struct

import pytest
from gridtokenx_ed25519 import VERIFY_CHUNK, KeyRing
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from tests.native.signed_items import (
    IDENTITY,
    MESSAGE_LEN,
    Forgery,
    Signed,
    forge,
    signed_items,
    solders_verifies,
)

METERS = 40
PER_METER = 16  # 640 signatures: three chunks, several readings of each meter per chunk


def _fleet_items(seed: int) -> list[tuple[int, Signed]]:
    """(slot, item): PER_METER messages of each of METERS keys, shuffled (slots interleave)."""
    rng = random.Random(seed)
    meters = signed_items(METERS)
    items = []
    for slot, meter in enumerate(meters):
        key = SigningKey(meter.seed)
        for _ in range(PER_METER):
            message = rng.randbytes(MESSAGE_LEN)
            signature = key.sign(message).signature
            items.append((slot, Signed(meter.seed, meter.public_key, message, signature)))
    rng.shuffle(items)
    return items


def _ring() -> KeyRing:
    return KeyRing(b"".join(item.public_key for item in signed_items(METERS)))


def _verify(ring: KeyRing, slotted: list[tuple[int, Signed]], threads: int = 1) -> list[bool]:
    result = ring.verify(
        b"".join(struct.pack("<I", slot) for slot, _ in slotted),
        b"".join(item.message for _, item in slotted),
        MESSAGE_LEN,
        b"".join(item.signature for _, item in slotted),
        threads=threads,
    )
    assert len(result) == len(slotted)
    return [byte == 1 for byte in result]


@pytest.mark.parametrize("threads", [1, 2])
def test_interleaved_readings_of_many_meters_all_verify(threads: int) -> None:
    slotted = _fleet_items(0)
    assert len(slotted) > 2 * VERIFY_CHUNK
    assert _verify(_ring(), slotted, threads) == [True] * len(slotted)


@settings(max_examples=25, deadline=None)
@given(
    forgeries=st.lists(
        st.tuples(
            st.floats(0, 1, exclude_max=True),
            st.sampled_from(
                [
                    Forgery.FLIPPED_SIGNATURE_BIT,
                    Forgery.FLIPPED_MESSAGE_BIT,
                    Forgery.NON_CANONICAL_S,
                    Forgery.IDENTITY_R,
                ]
            ),
        )
    ),
    wrong_slots=st.lists(st.floats(0, 1, exclude_max=True), max_size=5),
    threads=st.sampled_from([1, 2]),
    seed=st.integers(0, 2**32),
)
def test_forged_readings_are_rejected_alone_and_results_keep_record_order(
    forgeries: list[tuple[float, Forgery]], wrong_slots: list[float], threads: int, seed: int
) -> None:
    rng = random.Random(seed)
    slotted = _fleet_items(seed % 7)
    count = len(slotted)
    for position, forgery in forgeries:
        index = int(position * count)
        slot, item = slotted[index]
        slotted[index] = (slot, forge(item, forgery, item, rng))
    for position in wrong_slots:
        index = int(position * count)
        slot, item = slotted[index]
        slotted[index] = ((slot + 1) % METERS, item)  # another meter's key
    keys = signed_items(METERS)
    expected = [
        solders_verifies(Signed(item.seed, keys[slot].public_key, item.message, item.signature))
        for slot, item in slotted
    ]
    assert _verify(_ring(), slotted, threads) == expected


def test_a_key_verify_strict_refuses_never_verifies() -> None:
    honest = signed_items(VERIFY_CHUNK)
    weak = forge(honest[0], Forgery.WEAK_KEY, honest[1], random.Random(0))
    ring = KeyRing(b"".join(item.public_key for item in honest) + weak.public_key)
    assert len(ring) == VERIFY_CHUNK + 1
    slotted = [(slot, item) for slot, item in enumerate(honest)]
    slotted.insert(9, (VERIFY_CHUNK, weak))
    assert _verify(ring, slotted) == [index != 9 for index in range(VERIFY_CHUNK + 1)]


def test_no_input_gives_no_results() -> None:
    assert _ring().verify(b"", b"", MESSAGE_LEN, b"") == b""
    assert len(KeyRing(b"")) == 0


def test_a_slot_outside_the_ring_is_refused() -> None:
    item = signed_items(1)[0]
    ring = KeyRing(item.public_key)
    slots = struct.pack("<II", 0, 1)
    with pytest.raises(ValueError, match=r"slots\[1\] = 1, but the key ring holds 1 keys"):
        ring.verify(slots, item.message * 2, MESSAGE_LEN, item.signature * 2)


@pytest.mark.parametrize(
    ("slots", "messages", "signatures", "message"),
    [
        (8, 112, 127, "signatures must be a whole number of 64-byte items, got 127 bytes"),
        (4, 112, 128, "slots must hold one 4-byte item per signature: 2 x 4 = 8 bytes"),
        (8, 111, 128, "messages must hold one 56-byte item per signature: 2 x 56 = 112 bytes"),
    ],
)
def test_mis_sized_buffers_are_refused_with_the_expected_sizes(
    slots: int, messages: int, signatures: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        _ring().verify(bytes(slots), bytes(messages), MESSAGE_LEN, bytes(signatures))


def test_keys_must_be_whole() -> None:
    with pytest.raises(ValueError, match="public_keys must be a whole number of 32-byte items"):
        KeyRing(IDENTITY[:31])
