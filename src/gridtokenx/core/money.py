"""Exact money maths: decimal strings, the notional of a trade, fee splits.

Decimal strings
    ``parse_gxt("12.345678") == 12_345_678`` and ``format_gxt(12_345_678) == "12.345678"``; the
    same for USDC and prices. The grammar is ASCII digits, optionally a ``.`` and 1 to 6 digits
    (leading zeros allowed; no exponent, spaces, underscores, ``,`` or ``+``; a leading ``-``
    only where :func:`parse_amount` is asked for a signed amount). More than 6
    decimals are refused, never rounded. Formatting always writes all 6 decimals, so the text is
    canonical and ``parse(format(x)) == x`` for every amount. No ``float`` or ``Decimal`` is
    involved: the digits are turned into integers directly.

Notional of a trade
    ``quote_amount(price_per_kwh, gxt_amount, rounding=...)`` is
    ``price_per_kwh * gxt_amount / 10**6`` USDC base units (the price is per whole GXT, which is
    10**6 GXT base units), rounded as the caller says:

    * ``Rounding.FLOOR`` for what a buyer pays and a seller receives for a fill
      (:func:`payment_for_fill`). The fraction of a base unit that floor drops stays with the
      buyer: it is part of the refund below, so a seller never receives more than the exact
      value and no USDC is created.
    * ``Rounding.CEIL`` for what a buy order locks in escrow (:func:`escrow_for_bid`): the
      escrow is never below the exact value of the order.

Fees
    ``split_fee(amount, fee_bps)`` returns ``(net, fee)`` with
    ``fee = floor(amount * fee_bps / 10_000)`` and ``net = amount - fee``, so
    ``net + fee == amount`` exactly. Flooring means the platform never charges more than its
    rate; an amount below ``10_000 / fee_bps`` base units pays no fee, so the market should set
    a minimum fill size if that matters.

Conservation: no base unit is created or destroyed
    Take a buy order for ``Q`` GXT base units at limit price ``b``, filled in any number of
    fills ``(p_i, q_i)`` with every ``p_i <= b`` and ``sum(q_i) <= Q``. Write ``M = 10**6``.

    * escrow ``E = ceil(b * Q / M)``
    * each fill pays ``P_i = floor(p_i * q_i / M)``, split into ``net_i + fee_i == P_i``
    * the refund at the end (fully filled, cancelled or expired) is ``R = E - sum(P_i)``

    Then ``R >= 0``, because

    ``sum floor(p_i*q_i/M) <= sum floor(b*q_i/M)``  (floor is monotonic and ``p_i <= b``)
    ``<= floor(b * sum(q_i) / M)``                    (``floor(x) + floor(y) <= floor(x + y)``)
    ``<= floor(b * Q / M)``                           (``sum(q_i) <= Q``)
    ``<= ceil(b * Q / M) = E``.

    The same chain holds for every prefix of the fills, so the escrow balance never goes below
    zero in the middle of a sequence either. And ``E == sum(net_i) + sum(fee_i) + R`` is an
    identity, so every locked base unit ends with the seller, the fee account or back with the
    buyer. On the GXT side the seller locks ``Q``; buyers receive ``sum(q_i)`` and the seller
    gets back ``Q - sum(q_i)``, with no rounding at all. ``tests/core/test_conservation.py``
    checks all of this on random sequences.

Every result is a u64; a result that does not fit raises
:class:`~gridtokenx.core.errors.U64OverflowError`, exactly where the on-chain programs would fail
(see :mod:`gridtokenx.core.u64`).
"""

from __future__ import annotations

import enum
import re
from typing import Final

from gridtokenx.core.errors import AmountParseError, InvalidAmountError
from gridtokenx.core.u64 import U64_MAX, mul_div_ceil, mul_div_floor, require_int
from gridtokenx.core.units import (
    BPS_DENOMINATOR,
    GXT_BASE_UNITS_PER_KWH,
    GXT_DECIMALS,
    USDC_DECIMALS,
    GxtAmount,
    PricePerKwh,
    UsdcAmount,
    checked_fee_bps,
    checked_gxt_amount,
    checked_price_per_kwh,
    checked_usdc_amount,
)

I64_MIN: Final = -(2**63)
I64_MAX: Final = 2**63 - 1

MAX_DECIMALS: Final = 18
"""The most decimals :func:`parse_amount`/:func:`format_amount` accept (the SPL maximum is 255,
but nothing on this platform has more than 9)."""

# No valid amount comes near this length (a u64 with 18 decimals is 21 characters); the limit
# keeps a hostile megabyte string from reaching int().
_MAX_TEXT_LEN: Final = 64

# [0-9] rather than \d: \d also matches non-ASCII digits such as '٣', which int() accepts.
_DECIMAL_RE: Final = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")


class Rounding(enum.Enum):
    """How a division that is not exact is rounded; always chosen explicitly by the caller."""

    FLOOR = "floor"
    """Down to a whole base unit: what a buyer pays and a seller receives for a fill."""

    CEIL = "ceil"
    """Up to a whole base unit: the most a buy order must lock in escrow."""


def _check_decimals(decimals: int) -> int:
    require_int(decimals, "decimals")
    if not 0 <= decimals <= MAX_DECIMALS:
        raise InvalidAmountError(f"decimals={decimals} is outside 0..{MAX_DECIMALS}", decimals)
    return decimals


def _format(amount: int, decimals: int) -> str:
    sign = "-" if amount < 0 else ""
    whole, fraction = divmod(abs(amount), 10**decimals)
    if decimals == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{fraction:0{decimals}d}"


def _parse(text: object, decimals: int, what: str, *, low: int, high: int) -> int:
    if not isinstance(text, str):
        raise AmountParseError(
            f"{what} must be given as a str such as '12.5', got {text!r} ({type(text).__name__})",
            text,
        )
    if len(text) > _MAX_TEXT_LEN:
        raise AmountParseError(
            f"{text[:16]!r}... is {len(text)} characters long; {what} has at most {_MAX_TEXT_LEN}",
            text,
        )
    match = _DECIMAL_RE.fullmatch(text)
    if match is None:
        example = "12" if decimals == 0 else "12." + "345678901234567890"[:decimals]
        raise AmountParseError(
            f"{text!r} is not a decimal number: {what} is written as ASCII digits, optionally "
            f"followed by '.' and up to {decimals} decimals, such as {example!r}",
            text,
        )
    minus, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
    if len(fraction) > decimals:
        raise AmountParseError(
            f"{text!r} has {len(fraction)} decimals; {what} has at most {decimals} "
            "(amounts are never rounded when parsed)",
            text,
        )
    if minus and low >= 0:
        raise AmountParseError(f"{text!r} has a minus sign; {what} cannot be negative", text)
    magnitude: int = int(whole) * 10**decimals + int(fraction.ljust(decimals, "0") or "0")
    value = -magnitude if minus else magnitude
    if not low <= value <= high:
        raise AmountParseError(
            f"{text!r} is outside the range of {what}: {_format(low, decimals)} to "
            f"{_format(high, decimals)}",
            text,
        )
    return value


def parse_amount(text: str, *, decimals: int, signed: bool = False) -> int:
    """Parse a decimal string into base units of a token with ``decimals`` decimals.

    Unsigned amounts (the default) must fit a u64 (0..2**64-1 base units); with
    ``signed=True`` a leading ``-`` is accepted and the range is that of an i64. Raises
    AmountParseError naming the text and the rule it broke.
    """
    _check_decimals(decimals)
    if signed:
        return _parse(text, decimals, "a signed amount", low=I64_MIN, high=I64_MAX)
    return _parse(text, decimals, "an amount", low=0, high=U64_MAX)


def format_amount(amount: int, *, decimals: int) -> str:
    """Format base units as a decimal string with exactly ``decimals`` decimals.

    ``format_amount(-1_500_000, decimals=6) == "-1.500000"``; the inverse of
    :func:`parse_amount` for every amount in its range.
    """
    _check_decimals(decimals)
    require_int(amount, "amount")
    return _format(amount, decimals)


def parse_gxt(text: str) -> GxtAmount:
    """Parse GXT (= kWh) such as ``"12.345678"`` into GXT base units (``12_345_678``)."""
    return GxtAmount(_parse(text, GXT_DECIMALS, "a GXT amount", low=0, high=U64_MAX))


def format_gxt(gxt_amount: int) -> str:
    """Format GXT base units as GXT with 6 decimals: ``12_345_678 -> "12.345678"``."""
    return _format(checked_gxt_amount(gxt_amount), GXT_DECIMALS)


def parse_usdc(text: str) -> UsdcAmount:
    """Parse USDC such as ``"0.25"`` into USDC base units (``250_000``)."""
    return UsdcAmount(_parse(text, USDC_DECIMALS, "a USDC amount", low=0, high=U64_MAX))


def format_usdc(usdc_amount: int) -> str:
    """Format USDC base units as USDC with 6 decimals: ``250_000 -> "0.250000"``."""
    return _format(checked_usdc_amount(usdc_amount), USDC_DECIMALS)


def parse_price_per_kwh(text: str) -> PricePerKwh:
    """Parse a price in USDC per kWh such as ``"0.12"`` into USDC base units per kWh."""
    return PricePerKwh(_parse(text, USDC_DECIMALS, "a price in USDC per kWh", low=0, high=U64_MAX))


def format_price_per_kwh(price_per_kwh: int) -> str:
    """Format USDC base units per kWh as USDC per kWh with 6 decimals: ``120_000 -> "0.120000"``."""
    return _format(checked_price_per_kwh(price_per_kwh), USDC_DECIMALS)


def quote_amount(price_per_kwh: int, gxt_amount: int, *, rounding: Rounding) -> UsdcAmount:
    """The USDC base units that ``gxt_amount`` GXT base units cost at ``price_per_kwh``.

    ``price_per_kwh * gxt_amount / 10**6``, rounded by ``rounding``: FLOOR for what a buyer
    pays and a seller receives, CEIL for what a buy order locks in escrow (see the module
    docstring for why that conserves every base unit). The product is exact (128-bit on chain);
    raises U64OverflowError if an operand is not a u64 or the result does not fit one.
    """
    checked_price_per_kwh(price_per_kwh)
    checked_gxt_amount(gxt_amount)
    if rounding is Rounding.FLOOR:
        return UsdcAmount(mul_div_floor(price_per_kwh, gxt_amount, GXT_BASE_UNITS_PER_KWH))
    if rounding is Rounding.CEIL:
        return UsdcAmount(mul_div_ceil(price_per_kwh, gxt_amount, GXT_BASE_UNITS_PER_KWH))
    raise TypeError(f"rounding must be Rounding.FLOOR or Rounding.CEIL, got {rounding!r}")


def payment_for_fill(price_per_kwh: int, gxt_amount: int) -> UsdcAmount:
    """What the buyer pays and the seller receives (before fees) for a fill: rounded down."""
    return quote_amount(price_per_kwh, gxt_amount, rounding=Rounding.FLOOR)


def escrow_for_bid(bid_price_per_kwh: int, gxt_amount: int) -> UsdcAmount:
    """What a buy order for ``gxt_amount`` at ``bid_price_per_kwh`` locks in escrow: rounded up.

    It covers every combination of fills at prices at or below the bid, whatever their sizes.
    """
    return quote_amount(bid_price_per_kwh, gxt_amount, rounding=Rounding.CEIL)


def split_fee(amount: int, fee_bps: int) -> tuple[UsdcAmount, UsdcAmount]:
    """Split ``amount`` USDC base units into ``(net, fee)`` at a rate of ``fee_bps``.

    ``fee = floor(amount * fee_bps / 10_000)`` and ``net = amount - fee``, so
    ``net + fee == amount`` exactly, ``0 <= fee <= amount``, and the fee never exceeds the
    rate. Raises U64OverflowError if ``amount`` is not a u64 and InvalidFeeError if ``fee_bps``
    is outside 0..10,000.
    """
    checked_usdc_amount(amount, "amount")
    checked_fee_bps(fee_bps)
    fee = mul_div_floor(amount, fee_bps, BPS_DENOMINATOR)
    return UsdcAmount(amount - fee), UsdcAmount(fee)
