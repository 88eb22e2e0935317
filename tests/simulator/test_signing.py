"""Readings are signed with each meter's own key, checked with an independent verifier."""

from __future__ import annotations

import hashlib

from solders.pubkey import Pubkey
from solders.signature import Signature

from gridtokenx.simulator import derive_key_seed
from gridtokenx.telemetry import READING_MESSAGE_LEN, decode_reading
from tests.simulator.days import SimulatedDay


def _verifies(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """Ed25519 verification by solders (ed25519-dalek), not the library that signed."""
    return Signature.from_bytes(signature).verify(Pubkey.from_bytes(public_key), message)


def test_every_reading_of_a_tick_verifies_with_its_meters_key(monday: SimulatedDay) -> None:
    tick = monday.ticks[50]
    count = monday.fleet.config.meter_count
    assert len(tick.messages) == count * READING_MESSAGE_LEN
    assert len(tick.signatures) == count * 64
    for index in range(count):
        reading = tick.signed_reading(index)
        message = reading.message_bytes()
        assert message == tick.messages[index * 56 : (index + 1) * 56]
        assert decode_reading(message) == reading.message
        assert _verifies(reading.public_key, reading.signature, message)


def test_a_changed_register_or_another_meters_key_does_not_verify(monday: SimulatedDay) -> None:
    tick = monday.ticks[-1]
    reading = tick.signed_reading(3)
    message = bytearray(reading.message_bytes())
    message[40] ^= 1  # one Wh more or less imported
    assert not _verifies(reading.public_key, reading.signature, bytes(message))
    other = tick.signed_reading(4)
    assert not _verifies(other.public_key, reading.signature, reading.message_bytes())


def test_keys_are_derived_from_seed_and_index_and_differ_per_meter(monday: SimulatedDay) -> None:
    seed = monday.fleet.config.seed
    assert (
        derive_key_seed(seed, 7)
        == hashlib.sha256(
            b"GRIDTOKENX:KEY:1" + seed.to_bytes(8, "little") + (7).to_bytes(8, "little")
        ).digest()
    )
    assert derive_key_seed(seed, 7) != derive_key_seed(seed, 8)
    assert derive_key_seed(seed, 7) != derive_key_seed(seed + 1, 7)
    public_keys = {bytes(key) for key in monday.fleet.keyring.public_keys}
    assert len(public_keys) == monday.fleet.config.meter_count
