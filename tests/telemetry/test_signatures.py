"""verify_each: one verdict per (key, message, signature), whatever the mix of lengths."""

from __future__ import annotations

import random

import pytest

from gridtokenx.telemetry.signatures import verify_each
from tests.native.signed_items import Forgery, forge, signed_items, solders_verifies


def test_mixed_valid_forged_and_odd_length_messages_keep_their_order() -> None:
    rng = random.Random(3)
    items = list(signed_items(600))
    for index in rng.sample(range(len(items)), 40):
        items[index] = forge(items[index], rng.choice(list(Forgery)), items[index - 1], rng)
    odd = signed_items(1)[0]
    triples = [(item.public_key, item.message, item.signature) for item in items]
    triples.insert(100, (odd.public_key, odd.message[:5], odd.signature))  # wrong message
    triples.insert(200, (odd.public_key, b"", odd.signature))
    expected = [solders_verifies(item) for item in items]
    expected[100:100] = [False]
    expected[200:200] = [False]
    assert expected.count(False) == 42
    assert verify_each(triples) == expected


def test_nothing_to_verify() -> None:
    assert verify_each([]) == []


def test_a_mis_sized_key_is_a_caller_defect() -> None:
    item = signed_items(1)[0]
    triples = [(item.public_key, item.message, item.signature)] * 2
    triples.append((item.public_key[:31], item.message, item.signature))
    with pytest.raises(ValueError, match=r"triple 2: .* got 31 and 64"):
        verify_each(triples)
