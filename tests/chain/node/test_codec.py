from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st
from solders.hash import Hash
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.transaction import Transaction

from gridtokenx.chain.node.codec import PACKET_DATA_SIZE, b58decode, b58encode, decode_transaction
from gridtokenx.chain.node.errors import INVALID_PARAMS, RpcError


@given(st.binary(max_size=80))
def test_base58_round_trips(data: bytes) -> None:
    assert b58decode(b58encode(data)) == data


def test_base58_matches_solana_addresses() -> None:
    key = Keypair().pubkey()
    assert b58encode(bytes(key)) == str(key)
    assert b58decode(str(Pubkey.default())) == bytes(32)


def test_transactions_decode_from_both_encodings() -> None:
    payer = Keypair()
    signed = Transaction([payer], Message([], payer.pubkey()), Hash.new_unique())
    raw = bytes(signed)
    for text, encoding in ((base64.b64encode(raw).decode(), "base64"), (b58encode(raw), "base58")):
        transaction, decoded = decode_transaction(text, encoding)
        assert decoded == raw
        assert transaction.signatures[0] == signed.signatures[0]


@pytest.mark.parametrize(
    ("encoded", "encoding", "reason"),
    [
        ("!!!", "base64", "invalid base64"),
        ("0OIl", "base58", "invalid base58"),
        ("AAAA", "base64", "failed to deserialize"),
        (base64.b64encode(bytes(PACKET_DATA_SIZE + 1)).decode(), "base64", "too large"),
        ("A" * 1700, "base58", "too large"),
        ("AAAA", "hex", "unsupported"),
        (17, "base64", "must be a string"),
    ],
)
def test_bad_transactions_are_invalid_params(encoded: object, encoding: str, reason: str) -> None:
    with pytest.raises(RpcError) as raised:
        decode_transaction(encoded, encoding)
    assert raised.value.code == INVALID_PARAMS
    assert reason in raised.value.message
