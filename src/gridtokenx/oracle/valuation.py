"""USDC → local currency in integers only (pure, no I/O).

A Pyth price is a mantissa and a decimal exponent (``price * 10^exponent``). Converting
``usdc`` base units (6 decimals) to a local currency's minor units (satang, cents) through
USDC/USD and an FX feed is one exact fraction::

    minor = usdc * P(USDC/USD) * P(local per USD) * 10^digits / 10^6

with ``P(local per USD) = 1 / P(EUR/USD)`` for inverted feeds. The fraction is built from the
mantissas and a single power of ten and divided once, so the only rounding is the final one,
chosen explicitly (:class:`Rounding`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from gridtokenx.oracle.errors import InvalidPriceError

USDC_DECIMALS = 6
MAX_ABS_EXPONENT = 64
"""Pyth exponents are small (-12..0 in practice); larger ones are refused, not computed."""
MAX_MINOR_UNIT_DIGITS = 18


class Rounding(Enum):
    DOWN = "down"
    """Toward zero (amounts are never negative): never overstates a value."""
    UP = "up"
    """Away from zero: never understates a cost."""
    HALF_EVEN = "half_even"
    """To the nearest, ties to even (banker's rounding): unbiased over many values."""


@dataclass(frozen=True)
class Price:
    """``mantissa * 10^exponent``, as Pyth publishes it."""

    mantissa: int
    exponent: int

    def check_positive(self, what: str) -> None:
        if self.mantissa <= 0:
            raise InvalidPriceError(f"{what}: price mantissa {self.mantissa} is not above zero")
        if abs(self.exponent) > MAX_ABS_EXPONENT:
            raise InvalidPriceError(
                f"{what}: exponent {self.exponent} is outside ±{MAX_ABS_EXPONENT}"
            )

    def decimal_text(self) -> str:
        """Exact decimal text, e.g. ``Price(3361250000, -8)`` → ``"33.61250000"``."""
        sign = "-" if self.mantissa < 0 else ""
        digits = str(abs(self.mantissa))
        if self.exponent >= 0:
            return sign + digits + "0" * self.exponent
        places = -self.exponent
        digits = digits.rjust(places + 1, "0")
        return f"{sign}{digits[:-places]}.{digits[-places:]}"


def divide(numerator: int, denominator: int, rounding: Rounding) -> int:
    """``numerator / denominator`` for ``numerator ≥ 0``, ``denominator > 0``, rounded."""
    quotient, remainder = divmod(numerator, denominator)
    if remainder == 0 or rounding is Rounding.DOWN:
        return quotient
    if rounding is Rounding.UP:
        return quotient + 1
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2 == 1):
        return quotient + 1
    return quotient


def usdc_to_local_minor(
    usdc_base_units: int,
    usdc_usd: Price,
    fx: Price,
    *,
    inverted: bool,
    minor_unit_digits: int,
    rounding: Rounding,
) -> int:
    """The local-currency minor units ``usdc_base_units`` are worth.

    ``fx`` is local units per USD, or USD per local unit when ``inverted``.
    """
    if usdc_base_units < 0:
        raise InvalidPriceError(f"a USDC amount cannot be negative ({usdc_base_units})")
    if not 0 <= minor_unit_digits <= MAX_MINOR_UNIT_DIGITS:
        raise InvalidPriceError(f"minor unit digits {minor_unit_digits} outside 0..18")
    usdc_usd.check_positive("USDC/USD")
    fx.check_positive("FX")
    numerator = usdc_base_units * usdc_usd.mantissa
    denominator = 1
    power = usdc_usd.exponent + minor_unit_digits - USDC_DECIMALS
    if inverted:
        denominator *= fx.mantissa
        power -= fx.exponent
    else:
        numerator *= fx.mantissa
        power += fx.exponent
    if power >= 0:
        numerator *= 10**power
    else:
        denominator *= 10**-power
    return divide(numerator, denominator, rounding)
