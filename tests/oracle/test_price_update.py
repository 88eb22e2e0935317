"""PriceUpdateV2 decoding against real account bytes and the documented layout."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from solders.pubkey import Pubkey

from gridtokenx.oracle.errors import MalformedPriceUpdateError, WrongDiscriminatorError
from gridtokenx.oracle.price_update import (
    FULL_VERIFICATION,
    PRICE_UPDATE_V2_DISCRIMINATOR,
    PRICE_UPDATE_V2_LEN,
    PriceUpdate,
    VerificationLevel,
    decode_price_update,
)
from tests.oracle.fixtures import (
    SOL_USD_DEVNET_FULL,
    SOL_USD_FEED_ID,
    SOL_USD_MAINNET_FULL,
    SOL_USD_PARTIAL,
    SOL_USD_PUSH_ADDRESS,
)


def test_the_discriminator_is_anchors() -> None:
    assert hashlib.sha256(b"account:PriceUpdateV2").digest()[:8] == PRICE_UPDATE_V2_DISCRIMINATOR
    assert list(PRICE_UPDATE_V2_DISCRIMINATOR) == [34, 241, 35, 99, 157, 126, 244, 205]


def test_a_real_mainnet_full_update_decodes_field_by_field() -> None:
    update = decode_price_update(SOL_USD_MAINNET_FULL)
    assert update.write_authority == Pubkey.from_string(SOL_USD_PUSH_ADDRESS)
    assert update.verification == FULL_VERIFICATION
    assert update.feed_id.hex() == SOL_USD_FEED_ID
    assert (update.price, update.conf, update.exponent) == (16_751_519_922, 7_865_065, -8)
    assert (update.publish_time, update.prev_publish_time) == (1_749_654_165, 1_749_654_165)
    assert (update.ema_price, update.ema_conf) == (16_677_713_600, 8_437_036)
    assert update.posted_slot == 346_114_524
    # Full leaves the last of the 134 allocated bytes unused.
    assert SOL_USD_MAINNET_FULL[-1] == 0


def test_a_real_devnet_full_update_decodes() -> None:
    update = decode_price_update(SOL_USD_DEVNET_FULL)
    assert update.feed_id.hex() == SOL_USD_FEED_ID
    assert (update.price, update.exponent, update.publish_time) == (
        8_430_685_602,
        -8,
        1_779_513_554,
    )
    assert update.posted_slot == 464_290_207


def test_a_real_partial_update_shifts_the_message_by_one_byte() -> None:
    update = decode_price_update(SOL_USD_PARTIAL)
    assert update.verification == VerificationLevel(full=False, num_signatures=2)
    assert update.feed_id.hex() == SOL_USD_FEED_ID
    assert (update.price, update.conf, update.exponent) == (14_808_696_203, 13_110_795, -8)
    assert update.publish_time == 1_723_571_375
    assert update.posted_slot == 283_391_991


@pytest.mark.parametrize("data", [SOL_USD_MAINNET_FULL, SOL_USD_DEVNET_FULL, SOL_USD_PARTIAL])
def test_real_accounts_reencode_to_the_same_bytes(data: bytes) -> None:
    assert decode_price_update(data).encode() == data


def test_a_foreign_discriminator_is_refused() -> None:
    data = bytearray(SOL_USD_MAINNET_FULL)
    data[0] ^= 1
    with pytest.raises(WrongDiscriminatorError):
        decode_price_update(bytes(data))


@pytest.mark.parametrize("length", [0, 8, 40, 41, 124, 132])
def test_truncated_accounts_are_malformed(length: int) -> None:
    error = WrongDiscriminatorError if length < 8 else MalformedPriceUpdateError
    with pytest.raises(error):
        decode_price_update(SOL_USD_MAINNET_FULL[:length])


def test_an_unknown_verification_tag_is_malformed() -> None:
    data = bytearray(SOL_USD_MAINNET_FULL)
    data[40] = 2
    with pytest.raises(MalformedPriceUpdateError, match="tag 2"):
        decode_price_update(bytes(data))


_I64 = st.integers(-(2**63), 2**63 - 1)
_U64 = st.integers(0, 2**64 - 1)


@given(
    authority=st.binary(min_size=32, max_size=32),
    full=st.booleans(),
    signatures=st.integers(0, 255),
    feed_id=st.binary(min_size=32, max_size=32),
    price=_I64,
    conf=_U64,
    exponent=st.integers(-(2**31), 2**31 - 1),
    times=st.tuples(_I64, _I64),
    ema=st.tuples(_I64, _U64),
    slot=_U64,
)
def test_every_update_roundtrips_through_134_bytes(
    authority: bytes,
    full: bool,
    signatures: int,
    feed_id: bytes,
    price: int,
    conf: int,
    exponent: int,
    times: tuple[int, int],
    ema: tuple[int, int],
    slot: int,
) -> None:
    update = PriceUpdate(
        Pubkey.from_bytes(authority),
        FULL_VERIFICATION if full else VerificationLevel(False, signatures),
        feed_id,
        price,
        conf,
        exponent,
        times[0],
        times[1],
        ema[0],
        ema[1],
        slot,
    )
    data = update.encode()
    assert len(data) == PRICE_UPDATE_V2_LEN
    assert decode_price_update(data) == update
