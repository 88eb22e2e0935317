"""USDC → local minor units: exact fractions, explicit rounding, integers only."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.oracle.errors import InvalidPriceError
from gridtokenx.oracle.valuation import Price, Rounding, divide, usdc_to_local_minor

ONE_USDC = 1_000_000
PAR = Price(100_000_000, -8)


def test_one_usdc_at_par_in_baht_is_the_fx_rate_in_satang() -> None:
    thb = Price(3_361_250_000, -8)  # 33.6125 THB per USD
    minor = usdc_to_local_minor(
        ONE_USDC, PAR, thb, inverted=False, minor_unit_digits=2, rounding=Rounding.HALF_EVEN
    )
    assert minor == 3361  # 33.6125 → 3361.25 satang → 3361


def test_inverted_feeds_divide() -> None:
    eur_usd = Price(108_000, -5)  # 1.08 USD per EUR
    cents = {
        rounding: usdc_to_local_minor(
            ONE_USDC, PAR, eur_usd, inverted=True, minor_unit_digits=2, rounding=rounding
        )
        for rounding in Rounding
    }
    # 100 / 1.08 = 92.592… cents
    assert cents == {Rounding.DOWN: 92, Rounding.UP: 93, Rounding.HALF_EVEN: 93}


def test_usdc_below_par_lowers_the_value() -> None:
    usdc = Price(99_980_000, -8)
    thb = Price(35, 0)
    assert (
        usdc_to_local_minor(
            10 * ONE_USDC, usdc, thb, inverted=False, minor_unit_digits=2, rounding=Rounding.DOWN
        )
        == 34_993  # 10 * 0.9998 * 35 = 349.93 THB
    )


@pytest.mark.parametrize(
    ("numerator", "denominator", "down", "up", "half_even"),
    [(5, 2, 2, 3, 2), (7, 2, 3, 4, 4), (9, 4, 2, 3, 2), (11, 4, 2, 3, 3), (8, 4, 2, 2, 2)],
)
def test_divide_rounds_as_named(
    numerator: int, denominator: int, down: int, up: int, half_even: int
) -> None:
    assert divide(numerator, denominator, Rounding.DOWN) == down
    assert divide(numerator, denominator, Rounding.UP) == up
    assert divide(numerator, denominator, Rounding.HALF_EVEN) == half_even


@pytest.mark.parametrize("bad", [Price(0, -8), Price(-1, -8), Price(1, 65), Price(1, -65)])
def test_invalid_prices_are_refused(bad: Price) -> None:
    for usdc, fx in ((bad, PAR), (PAR, bad)):
        with pytest.raises(InvalidPriceError):
            usdc_to_local_minor(
                1, usdc, fx, inverted=False, minor_unit_digits=2, rounding=Rounding.UP
            )


def test_negative_amounts_and_odd_digits_are_refused() -> None:
    with pytest.raises(InvalidPriceError):
        usdc_to_local_minor(-1, PAR, PAR, inverted=False, minor_unit_digits=2, rounding=Rounding.UP)
    with pytest.raises(InvalidPriceError):
        usdc_to_local_minor(1, PAR, PAR, inverted=False, minor_unit_digits=19, rounding=Rounding.UP)


@pytest.mark.parametrize(
    ("price", "text"),
    [
        (Price(3_361_250_000, -8), "33.61250000"),
        (Price(5, -3), "0.005"),
        (Price(-5, -1), "-0.5"),
        (Price(12, 2), "1200"),
    ],
)
def test_decimal_text_is_exact(price: Price, text: str) -> None:
    assert price.decimal_text() == text


_PRICE = st.builds(Price, st.integers(1, 2**63 - 1), st.integers(-18, 4))


@given(
    usdc=st.integers(0, 2**64 - 1),
    usdc_usd=_PRICE,
    fx=_PRICE,
    inverted=st.booleans(),
    digits=st.integers(0, 8),
)
def test_every_rounding_brackets_the_exact_value(
    usdc: int, usdc_usd: Price, fx: Price, inverted: bool, digits: int
) -> None:
    fx_value = Fraction(fx.mantissa) * Fraction(10) ** fx.exponent
    exact = (
        Fraction(usdc, 10**6)
        * Fraction(usdc_usd.mantissa)
        * Fraction(10) ** usdc_usd.exponent
        * (1 / fx_value if inverted else fx_value)
        * 10**digits
    )
    results = {
        rounding: usdc_to_local_minor(
            usdc, usdc_usd, fx, inverted=inverted, minor_unit_digits=digits, rounding=rounding
        )
        for rounding in Rounding
    }
    assert results[Rounding.DOWN] <= exact <= results[Rounding.UP]
    assert results[Rounding.UP] - results[Rounding.DOWN] == (0 if exact.denominator == 1 else 1)
    assert abs(results[Rounding.HALF_EVEN] - exact) <= Fraction(1, 2)


@given(
    amounts=st.tuples(st.integers(0, 10**15), st.integers(0, 10**15)),
    fx=_PRICE,
    rounding=st.sampled_from(Rounding),
)
def test_larger_amounts_are_never_worth_less(
    amounts: tuple[int, int], fx: Price, rounding: Rounding
) -> None:
    low, high = sorted(amounts)

    def value(usdc: int) -> int:
        return usdc_to_local_minor(
            usdc, PAR, fx, inverted=False, minor_unit_digits=2, rounding=rounding
        )

    assert value(low) <= value(high)
