"""Checked unsigned 64-bit arithmetic, the contract the on-chain C programs implement too.

Every token amount and price is a ``u64`` on chain, so the Python side never lets a value it
computes leave 0..2**64-1: where a C program would detect an overflow and fail the instruction,
these helpers raise :class:`~gridtokenx.core.errors.U64OverflowError`. The results are the exact
mathematical ones (Python integers never wrap), so the client and the programs agree bit for bit
as long as the C side implements the same contract:

``checked_add_u64(a, b)``
    ``a + b``; error if it exceeds ``U64_MAX`` (C: ``__builtin_add_overflow``).
``checked_sub_u64(a, b)``
    ``a - b``; error if ``b > a`` (C: ``__builtin_sub_overflow``).
``checked_mul_u64(a, b)``
    ``a * b``; error if it exceeds ``U64_MAX`` (C: ``__builtin_mul_overflow``).
``mul_div_floor(a, b, d)``
    ``floor(a * b / d)`` with the product held in 128 bits, so it never overflows (the largest
    product, ``(2**64-1)**2``, is below ``2**128``); error if ``d == 0`` or the quotient exceeds
    ``U64_MAX``. C: a 64x64->128 multiply helper, then a 128/64 division (the BPF target has no
    ``__int128`` multiply or divide libcalls, so both are hand-written there).
``mul_div_ceil(a, b, d)``
    ``ceil(a * b / d)``, computed as ``q = p / d; if (p % d) q += 1`` on the 128-bit product
    ``p``; error if ``d == 0`` or the rounded-up quotient exceeds ``U64_MAX``. Note that
    ``q == U64_MAX`` with a remainder therefore overflows.

All operands must be ``int`` (not ``bool``, not ``float``) in 0..2**64-1; anything else is
refused before any arithmetic happens, because the C programs only ever see ``u64`` values.
"""

from __future__ import annotations

from typing import Final

from gridtokenx.core.errors import InvalidAmountError, U64OverflowError

U64_MAX: Final = 2**64 - 1
"""The largest value of an on-chain ``u64``: 18,446,744,073,709,551,615."""

U128_MAX: Final = 2**128 - 1
"""The largest value of the 128-bit intermediate of :func:`mul_div_floor`/:func:`mul_div_ceil`."""


def require_int(value: object, name: str) -> int:
    """Return ``value`` if it is an ``int`` (``bool`` excluded), else raise InvalidAmountError.

    ``bool`` is refused although it subclasses ``int``: ``True`` reaching an amount is a bug.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAmountError(
            f"{name} must be an int, got {value!r} ({type(value).__name__})", value
        )
    return value


def checked_u64(value: int, name: str = "value") -> int:
    """Return ``value`` unchanged if it is an ``int`` in 0..2**64-1.

    Raises InvalidAmountError for a non-int and U64OverflowError for a value out of range; the
    message names ``name`` so that callers can say which field was wrong.
    """
    require_int(value, name)
    if value < 0:
        raise U64OverflowError(f"{name}={value} is negative; a u64 is in 0..2**64-1", value)
    if value > U64_MAX:
        raise U64OverflowError(f"{name}={value} exceeds the u64 maximum {U64_MAX} (2**64-1)", value)
    return value


def checked_add_u64(a: int, b: int) -> int:
    """``a + b`` for u64 operands; raises U64OverflowError if the sum exceeds 2**64-1."""
    checked_u64(a, "a")
    checked_u64(b, "b")
    total = a + b
    if total > U64_MAX:
        raise U64OverflowError(
            f"u64 addition overflows: {a} + {b} = {total} exceeds {U64_MAX} (2**64-1)", total
        )
    return total


def checked_sub_u64(a: int, b: int) -> int:
    """``a - b`` for u64 operands; raises U64OverflowError if ``b > a`` (a u64 has no negatives)."""
    checked_u64(a, "a")
    checked_u64(b, "b")
    if b > a:
        raise U64OverflowError(f"u64 subtraction underflows: {a} - {b} = {a - b} is below 0", a - b)
    return a - b


def checked_mul_u64(a: int, b: int) -> int:
    """``a * b`` for u64 operands; raises U64OverflowError if the product exceeds 2**64-1."""
    checked_u64(a, "a")
    checked_u64(b, "b")
    product = a * b
    if product > U64_MAX:
        raise U64OverflowError(
            f"u64 multiplication overflows: {a} * {b} = {product} exceeds {U64_MAX} (2**64-1)",
            product,
        )
    return product


def _checked_mul_div_operands(a: int, b: int, denominator: int, op: str) -> int:
    checked_u64(a, "a")
    checked_u64(b, "b")
    checked_u64(denominator, "denominator")
    if denominator == 0:
        raise InvalidAmountError(f"{op}({a}, {b}, 0): the denominator must be > 0", denominator)
    # At most (2**64-1)**2 < 2**128: why the C side needs a 128-bit intermediate and no more.
    return a * b


def mul_div_floor(a: int, b: int, denominator: int) -> int:
    """``floor(a * b / denominator)`` with a u128 intermediate and a u64 result.

    Raises InvalidAmountError if ``denominator`` is 0 and U64OverflowError if an operand is not a
    u64 or the quotient exceeds 2**64-1.
    """
    product = _checked_mul_div_operands(a, b, denominator, "mul_div_floor")
    quotient = product // denominator
    if quotient > U64_MAX:
        raise U64OverflowError(
            f"mul_div_floor({a}, {b}, {denominator}) = {quotient} exceeds the u64 maximum "
            f"{U64_MAX} (2**64-1)",
            quotient,
        )
    return quotient


def mul_div_ceil(a: int, b: int, denominator: int) -> int:
    """``ceil(a * b / denominator)`` with a u128 intermediate and a u64 result.

    Raises InvalidAmountError if ``denominator`` is 0 and U64OverflowError if an operand is not a
    u64 or the rounded-up quotient exceeds 2**64-1.
    """
    product = _checked_mul_div_operands(a, b, denominator, "mul_div_ceil")
    quotient, remainder = divmod(product, denominator)
    if remainder:
        quotient += 1
    if quotient > U64_MAX:
        raise U64OverflowError(
            f"mul_div_ceil({a}, {b}, {denominator}) = {quotient} exceeds the u64 maximum "
            f"{U64_MAX} (2**64-1)",
            quotient,
        )
    return quotient
