"""Batch signing: RFC 8032 signatures identical to libsodium's, whatever the thread count."""

from __future__ import annotations

import pytest
from gridtokenx_ed25519 import SigningKeys
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.native.signed_items import MESSAGE_LEN, Signed, signed_items, solders_verifies

COUNT = 300


def _keys(threads: int = 1) -> SigningKeys:
    return SigningKeys(b"".join(item.seed for item in signed_items(COUNT)), threads)


def _messages() -> bytes:
    return b"".join(item.message for item in signed_items(COUNT))


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_keys_and_signatures_equal_libsodiums(threads: int) -> None:
    keys = _keys(threads)
    assert len(keys) == COUNT
    assert keys.public_keys() == b"".join(item.public_key for item in signed_items(COUNT))
    signatures = keys.sign(_messages(), MESSAGE_LEN, threads)
    assert signatures == b"".join(item.signature for item in signed_items(COUNT))


@settings(max_examples=20, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32), message=st.binary(max_size=200))
def test_any_message_signs_deterministically_and_verifies_elsewhere(
    seed: bytes, message: bytes
) -> None:
    keys = SigningKeys(seed)
    signature = keys.sign(message, len(message))
    assert signature == keys.sign(message, len(message), threads=2)
    assert len(signature) == 64
    assert solders_verifies(Signed(seed, keys.public_keys(), message, signature))


def test_an_empty_keyring_signs_nothing() -> None:
    keys = SigningKeys(b"")
    assert len(keys) == 0
    assert keys.public_keys() == b""
    assert keys.sign(b"", MESSAGE_LEN) == b""


def test_seeds_must_be_whole() -> None:
    with pytest.raises(ValueError, match="seeds must be a whole number of 32-byte items, got 33"):
        SigningKeys(bytes(33))


def test_messages_must_be_one_per_key() -> None:
    with pytest.raises(
        ValueError, match="one 56-byte item per key: 300 x 56 = 16800 bytes, got 16799 bytes"
    ):
        _keys().sign(_messages()[:-1], MESSAGE_LEN)
