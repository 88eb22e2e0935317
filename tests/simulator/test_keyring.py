"""MeterKeyring: the fleet's keys and signatures are libsodium's, for any thread count."""

from __future__ import annotations

import os

import pytest
from nacl.signing import SigningKey

from gridtokenx.simulator import MeterKeyring, derive_key_seed
from gridtokenx.simulator.errors import SimulatorError
from gridtokenx.telemetry import READING_MESSAGE_LEN

COUNT = 130


@pytest.mark.parametrize("threads", [1, 2])
def test_keys_and_signatures_match_libsodium(threads: int) -> None:
    keyring = MeterKeyring(9, COUNT, threads)
    messages = os.urandom(COUNT * READING_MESSAGE_LEN)
    signatures = keyring.sign(messages, READING_MESSAGE_LEN)
    for index in range(COUNT):
        key = SigningKey(derive_key_seed(9, index))
        assert bytes(keyring.public_keys[index]) == bytes(key.verify_key)
        message = messages[index * READING_MESSAGE_LEN : (index + 1) * READING_MESSAGE_LEN]
        assert signatures[index * 64 : (index + 1) * 64] == key.sign(message).signature


def test_one_message_per_meter_is_required() -> None:
    keyring = MeterKeyring(9, 3, threads=1)
    with pytest.raises(SimulatorError, match="168 bytes\\), got 112 bytes"):
        keyring.sign(bytes(2 * READING_MESSAGE_LEN), READING_MESSAGE_LEN)
