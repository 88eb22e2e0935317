"""verify_each and SlotVerifier: one verdict per signature, in order."""

from __future__ import annotations

import random

import numpy as np
import pytest

from gridtokenx.telemetry.signatures import SlotVerifier, verify_each
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


def test_slot_verifier_agrees_with_verify_each_and_follows_key_changes() -> None:
    rng = random.Random(5)
    items = list(signed_items(300))
    for index in rng.sample(range(len(items)), 12):
        items[index] = forge(items[index], rng.choice(list(Forgery)), items[index - 1], rng)
    keys = signed_items(300)
    table_keys = b"".join(item.public_key for item in keys)
    slots = np.arange(len(items), dtype=np.uint32)
    verifier = SlotVerifier(threads=2)
    # Each item against the key of its own slot: the key it claims unless the forgery swapped it.
    expected = verify_each(
        [(keys[i].public_key, item.message, item.signature) for i, item in enumerate(items)]
    )
    messages = b"".join(item.message for item in items)
    signatures = b"".join(item.signature for item in items)
    assert verifier(table_keys, slots, messages, signatures).tolist() == expected
    # A table whose slot 0 now holds another key: the ring is rebuilt, slot 0 stops verifying.
    rekeyed = keys[1].public_key + table_keys[32:]
    results = verifier(rekeyed, slots[:2], messages[:112], signatures[:128]).tolist()
    assert results == [False, expected[1]]
