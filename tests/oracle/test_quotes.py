"""The checks and flags of every read, and that a flagged price cannot be used."""

from __future__ import annotations

import dataclasses

import pytest
from solders.pubkey import Pubkey

from gridtokenx.oracle.errors import (
    FeedIdMismatchError,
    PriceUnusableError,
    WrongDiscriminatorError,
    WrongOwnerError,
)
from gridtokenx.oracle.feeds import DEFAULT_CURRENCIES, RECEIVER_PROGRAM_ID
from gridtokenx.oracle.price_update import FULL_VERIFICATION, PriceUpdate, VerificationLevel
from gridtokenx.oracle.quotes import (
    PriceFlags,
    PricePolicy,
    UsdcQuote,
    assess,
    check_price_account,
)
from gridtokenx.oracle.valuation import Price, Rounding
from tests.oracle.fixtures import SOL_USD_FEED_ID, SOL_USD_MAINNET_FULL

NOW = 1_800_000_000
POLICY = PricePolicy(max_age_s=60, max_confidence_bps=100)
ADDRESS = Pubkey.new_unique()


def _update(
    price: int = 3_350_000_000,
    conf: int = 1_000_000,
    publish_time: int = NOW - 5,
    verification: VerificationLevel = FULL_VERIFICATION,
) -> PriceUpdate:
    return PriceUpdate(
        Pubkey.new_unique(),
        verification,
        bytes(32),
        price,
        conf,
        -8,
        publish_time,
        publish_time - 1,
        price,
        conf,
        1,
    )


class TestCheckPriceAccount:
    def test_accepts_a_receiver_owned_update_of_the_feed(self) -> None:
        update = check_price_account(
            RECEIVER_PROGRAM_ID,
            SOL_USD_MAINNET_FULL,
            receiver=RECEIVER_PROGRAM_ID,
            feed_id=bytes.fromhex(SOL_USD_FEED_ID),
            address=ADDRESS,
        )
        assert update.price == 16_751_519_922

    def test_refuses_another_owner(self) -> None:
        with pytest.raises(WrongOwnerError, match="not the Pyth receiver"):
            check_price_account(
                Pubkey.new_unique(),
                SOL_USD_MAINNET_FULL,
                receiver=RECEIVER_PROGRAM_ID,
                feed_id=bytes.fromhex(SOL_USD_FEED_ID),
                address=ADDRESS,
            )

    def test_refuses_another_feed(self) -> None:
        with pytest.raises(FeedIdMismatchError):
            check_price_account(
                RECEIVER_PROGRAM_ID,
                SOL_USD_MAINNET_FULL,
                receiver=RECEIVER_PROGRAM_ID,
                feed_id=bytes(32),
                address=ADDRESS,
            )

    def test_refuses_another_account_type(self) -> None:
        with pytest.raises(WrongDiscriminatorError):
            check_price_account(
                RECEIVER_PROGRAM_ID,
                bytes(134),
                receiver=RECEIVER_PROGRAM_ID,
                feed_id=bytes(32),
                address=ADDRESS,
            )


class TestFlags:
    def test_a_fresh_tight_full_price_raises_nothing(self) -> None:
        feed = assess("USD/THB", ADDRESS, _update(), NOW, POLICY)
        assert feed.flags == PriceFlags(False, False, False)
        assert feed.usable() == Price(3_350_000_000, -8)

    def test_stale_exactly_after_max_age(self) -> None:
        assert not assess("x", ADDRESS, _update(publish_time=NOW - 60), NOW, POLICY).flags.stale
        feed = assess("x", ADDRESS, _update(publish_time=NOW - 61), NOW, POLICY)
        assert feed.flags.stale
        assert feed.age_s == 61
        with pytest.raises(PriceUnusableError, match="stale: published 61 s") as raised:
            feed.usable()
        assert raised.value.reasons == ("stale",)

    def test_low_confidence_exactly_above_the_ratio(self) -> None:
        # 100 bps of 3 350 000 000 is 33 500 000.
        assert not assess("x", ADDRESS, _update(conf=33_500_000), NOW, POLICY).flags.low_confidence
        feed = assess("x", ADDRESS, _update(conf=33_500_001), NOW, POLICY)
        assert feed.flags.low_confidence
        with pytest.raises(PriceUnusableError, match="low confidence"):
            feed.usable()

    @pytest.mark.parametrize("price", [0, -5])
    def test_prices_at_or_below_zero_are_low_confidence(self, price: int) -> None:
        assert assess("x", ADDRESS, _update(price=price, conf=0), NOW, POLICY).flags.low_confidence

    def test_partial_verification_is_flagged_unless_allowed(self) -> None:
        partial = _update(verification=VerificationLevel(False, 5))
        feed = assess("x", ADDRESS, partial, NOW, POLICY)
        assert feed.flags.raised == ("partial_verification",)
        with pytest.raises(PriceUnusableError, match="partial"):
            feed.usable()
        lenient = dataclasses.replace(POLICY, allow_partial_verification=True)
        assert assess("x", ADDRESS, partial, NOW, lenient).flags.raised == ()

    def test_every_raised_flag_is_named(self) -> None:
        update = _update(
            publish_time=NOW - 600, conf=10**9, verification=VerificationLevel(False, 1)
        )
        with pytest.raises(PriceUnusableError) as raised:
            assess("x", ADDRESS, update, NOW, POLICY).usable()
        assert raised.value.reasons == ("stale", "low_confidence", "partial_verification")


class TestUsdcQuote:
    def _quote(self, fx_update: PriceUpdate) -> UsdcQuote:
        usdc = assess("USDC/USD", ADDRESS, _update(price=100_000_000, conf=10_000), NOW, POLICY)
        fx = assess("USD/THB", ADDRESS, fx_update, NOW, POLICY)
        return UsdcQuote(DEFAULT_CURRENCIES["THB"], usdc, fx)

    def test_a_clean_quote_converts(self) -> None:
        usable = self._quote(_update(price=3_361_250_000)).usable()
        assert usable.to_local_minor(2_500_000, Rounding.DOWN) == 8403  # 2.5 * 33.6125 THB

    def test_one_flagged_feed_makes_the_quote_unusable_and_says_which(self) -> None:
        quote = self._quote(_update(publish_time=NOW - 3600))
        with pytest.raises(PriceUnusableError, match=r"USD/THB: stale") as raised:
            quote.usable()
        assert raised.value.reasons == ("stale",)
