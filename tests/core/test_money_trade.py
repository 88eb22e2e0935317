"""The notional of a trade with explicit rounding, and the fee split."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.core import (
    U64_MAX,
    InvalidAmountError,
    InvalidFeeError,
    Rounding,
    U64OverflowError,
    escrow_for_bid,
    parse_gxt,
    parse_price_per_kwh,
    payment_for_fill,
    quote_amount,
    split_fee,
)
from tests.core.strategies import u64s

fee_rates = st.one_of(st.integers(0, 10_000), st.sampled_from([0, 1, 9_999, 10_000]))


@pytest.mark.parametrize(
    ("price_per_kwh", "gxt_amount", "floor", "ceil"),
    [
        (0, 0, 0, 0),
        (0, U64_MAX, 0, 0),
        (U64_MAX, 0, 0, 0),
        (250_000, 1_000_000, 250_000, 250_000),  # 1 kWh at 0.25 USDC/kWh
        (250_000, 1_000, 250, 250),  # 1 Wh
        (123_457, 1, 0, 1),  # 1 mWh at 0.123457 USDC/kWh
        (1, 1, 0, 1),
        (1, 999_999, 0, 1),
        (1, 1_000_001, 1, 2),
        (999_999, 999_999, 999_998, 999_999),
        (U64_MAX, 1_000_000, U64_MAX, U64_MAX),
        (18_446_725_626_983_924_632, 1_000_001, U64_MAX, None),
        (U64_MAX, 1_000_001, None, None),
    ],
)
def test_quote_amount_known_values(
    price_per_kwh: int, gxt_amount: int, floor: int | None, ceil: int | None
) -> None:
    for rounding, expected in ((Rounding.FLOOR, floor), (Rounding.CEIL, ceil)):
        if expected is None:
            with pytest.raises(U64OverflowError, match="exceeds the u64 maximum"):
                quote_amount(price_per_kwh, gxt_amount, rounding=rounding)
        else:
            assert quote_amount(price_per_kwh, gxt_amount, rounding=rounding) == expected
    if floor is not None:
        assert payment_for_fill(price_per_kwh, gxt_amount) == floor
    if ceil is not None:
        assert escrow_for_bid(price_per_kwh, gxt_amount) == ceil


def test_quote_amount_from_decimal_strings() -> None:
    price = parse_price_per_kwh("0.123456")
    assert payment_for_fill(price, parse_gxt("2.5")) == 308_640
    assert payment_for_fill(price, parse_gxt("0.000003")) == 0
    assert escrow_for_bid(price, parse_gxt("0.000003")) == 1


def test_rounding_must_be_chosen() -> None:
    with pytest.raises(TypeError):
        quote_amount(1, 1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"rounding must be Rounding\.FLOOR or Rounding\.CEIL"):
        quote_amount(1, 1, rounding="floor")  # type: ignore[arg-type]


def test_quote_amount_refuses_operands_outside_u64() -> None:
    with pytest.raises(U64OverflowError, match=r"^price_per_kwh=-1 is negative"):
        quote_amount(-1, 1, rounding=Rounding.FLOOR)
    with pytest.raises(U64OverflowError, match=r"^gxt_amount=18446744073709551616 exceeds"):
        quote_amount(1, U64_MAX + 1, rounding=Rounding.CEIL)
    with pytest.raises(InvalidAmountError, match="gxt_amount must be an int"):
        quote_amount(1, 1.0, rounding=Rounding.CEIL)  # type: ignore[arg-type]


@given(u64s, u64s)
def test_floor_and_ceil_bracket_the_exact_notional(price_per_kwh: int, gxt_amount: int) -> None:
    product = price_per_kwh * gxt_amount
    if product > U64_MAX * 10**6:
        with pytest.raises(U64OverflowError):
            escrow_for_bid(price_per_kwh, gxt_amount)
        return
    floor = payment_for_fill(price_per_kwh, gxt_amount)
    ceil = escrow_for_bid(price_per_kwh, gxt_amount)
    assert floor * 10**6 <= product <= ceil * 10**6
    assert ceil - floor == (0 if product % 10**6 == 0 else 1)


@given(st.integers(0, 10**12), st.integers(0, 10**12), st.integers(0, 10**12))
def test_quote_amount_is_monotonic(price_per_kwh: int, smaller: int, larger: int) -> None:
    smaller, larger = sorted((smaller, larger))
    for rounding in Rounding:
        assert quote_amount(price_per_kwh, smaller, rounding=rounding) <= quote_amount(
            price_per_kwh, larger, rounding=rounding
        )
        assert quote_amount(smaller, price_per_kwh, rounding=rounding) <= quote_amount(
            larger, price_per_kwh, rounding=rounding
        )


@pytest.mark.parametrize(
    ("amount", "fee_bps", "net", "fee"),
    [
        (0, 25, 0, 0),
        (10_000, 25, 9_975, 25),
        (10_399, 25, 10_374, 25),  # 25.9975 rounds down
        (399, 25, 399, 0),  # below 10_000 / 25 base units: no fee
        (1, 9_999, 1, 0),
        (12_345, 0, 12_345, 0),
        (12_345, 10_000, 0, 12_345),
        (U64_MAX, 10_000, 0, U64_MAX),  # amount * bps needs the 128-bit intermediate
        (U64_MAX, 1, U64_MAX - U64_MAX // 10_000, U64_MAX // 10_000),
    ],
)
def test_split_fee_known_values(amount: int, fee_bps: int, net: int, fee: int) -> None:
    assert split_fee(amount, fee_bps) == (net, fee)


def test_split_fee_refuses_bad_input() -> None:
    with pytest.raises(InvalidFeeError, match="fee_bps=10001 is outside"):
        split_fee(100, 10_001)
    with pytest.raises(InvalidFeeError, match="fee_bps=-1 is outside"):
        split_fee(100, -1)
    with pytest.raises(U64OverflowError, match=r"^amount=-100 is negative"):
        split_fee(-100, 25)
    with pytest.raises(InvalidAmountError, match="amount must be an int"):
        split_fee(True, 25)


@given(u64s, fee_rates)
def test_split_fee_conserves_the_amount(amount: int, fee_bps: int) -> None:
    net, fee = split_fee(amount, fee_bps)
    assert net + fee == amount
    assert 0 <= fee <= amount
    # fee is exactly floor(amount * bps / 10_000): never above the rate, less than 1 unit below.
    assert fee * 10_000 <= amount * fee_bps < (fee + 1) * 10_000


@given(u64s, u64s, fee_rates, fee_rates)
def test_split_fee_is_monotonic(first: int, second: int, low_bps: int, high_bps: int) -> None:
    small, large = sorted((first, second))
    low_bps, high_bps = sorted((low_bps, high_bps))
    assert split_fee(small, low_bps)[1] <= split_fee(large, low_bps)[1]
    assert split_fee(small, low_bps)[1] <= split_fee(small, high_bps)[1]
