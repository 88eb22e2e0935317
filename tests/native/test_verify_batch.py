"""Batch verification: every signature judged on its own, as verify_strict would."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from gridtokenx_ed25519 import VERIFY_CHUNK, SigningKeys, verify_batch
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.native.signed_items import (
    MESSAGE_LEN,
    Forgery,
    Signed,
    forge,
    signed_items,
    solders_verifies,
)

POOL = 2 * VERIFY_CHUNK + 37  # three chunks, the last one short


def _verify(items: Sequence[Signed], threads: int = 1) -> list[bool]:
    return verify_batch(
        b"".join(item.public_key for item in items),
        b"".join(item.message for item in items),
        MESSAGE_LEN,
        b"".join(item.signature for item in items),
        threads,
    )


@pytest.mark.parametrize("threads", [1, 2])
def test_signatures_made_by_libsodium_all_verify(threads: int) -> None:
    assert _verify(signed_items(POOL), threads) == [True] * POOL


def test_no_input_gives_no_results() -> None:
    assert verify_batch(b"", b"", MESSAGE_LEN, b"") == []


@settings(max_examples=30, deadline=None)
@given(
    count=st.integers(1, POOL),
    forgeries=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.sampled_from(Forgery))),
    threads=st.sampled_from([1, 2]),
    seed=st.integers(0, 2**32),
)
def test_forged_signatures_are_rejected_alone_wherever_they_are(
    count: int, forgeries: list[tuple[float, Forgery]], threads: int, seed: int
) -> None:
    rng = random.Random(seed)
    items = list(signed_items(POOL)[:count])
    forged = {int(position * count) for position, _ in forgeries}
    for position, forgery in forgeries:
        index = int(position * count)
        # The next meter of the whole pool: another meter even when only one item is checked.
        other = signed_items(POOL)[(index + 1) % POOL]
        items[index] = forge(items[index], forgery, other, rng)
    expected = [index not in forged for index in range(count)]
    assert _verify(items, threads) == expected
    assert [solders_verifies(item) for item in items] == expected


@pytest.mark.parametrize("forgery", list(Forgery))
def test_inputs_verify_strict_rejects_are_rejected_inside_a_passing_batch(
    forgery: Forgery,
) -> None:
    items = list(signed_items(VERIFY_CHUNK))
    items[7] = forge(items[7], forgery, items[8], random.Random(7))
    assert not solders_verifies(items[7])
    assert _verify(items) == [index != 7 for index in range(VERIFY_CHUNK)]


def test_empty_messages_are_signed_and_verified() -> None:
    keys = SigningKeys(signed_items(1)[0].seed)
    signature = keys.sign(b"", 0)
    assert verify_batch(keys.public_keys(), b"", 0, signature) == [True]
    assert verify_batch(keys.public_keys(), b"", 0, bytes(64)) == [False]


@pytest.mark.parametrize(
    ("keys", "messages", "signatures", "message"),
    [
        (64, 112, 127, "signatures must be a whole number of 64-byte items, got 127 bytes"),
        (32, 112, 128, "public_keys must hold one 32-byte item per signature: 2 x 32 = 64 bytes"),
        (64, 111, 128, "messages must hold one 56-byte item per signature: 2 x 56 = 112 bytes"),
    ],
)
def test_mis_sized_buffers_are_refused_with_the_expected_sizes(
    keys: int, messages: int, signatures: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        verify_batch(bytes(keys), bytes(messages), MESSAGE_LEN, bytes(signatures))


def test_thread_count_must_be_positive() -> None:
    with pytest.raises(ValueError, match=r"threads must be in 1\.\.256, got 0"):
        verify_batch(b"", b"", MESSAGE_LEN, b"", threads=0)
