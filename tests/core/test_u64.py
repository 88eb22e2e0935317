"""Checked u64 arithmetic: boundaries, golden vectors for the C programs, and a C-style model."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.core import (
    U64_MAX,
    U128_MAX,
    InvalidAmountError,
    U64OverflowError,
    checked_add_u64,
    checked_mul_u64,
    checked_sub_u64,
    checked_u64,
    mul_div_ceil,
    mul_div_floor,
)
from tests.core.strategies import not_ints, not_u64s, u64s

OVERFLOW = "overflow"

# (a, b, denominator, floor, ceil): the same table belongs in the C programs' unit tests so both
# sides are held to identical results.
MUL_DIV_VECTORS: list[tuple[int, int, int, int | str, int | str]] = [
    (0, 0, 1, 0, 0),
    (0, U64_MAX, 1, 0, 0),
    (1, 1, 1, 1, 1),
    (1, 1, 2, 0, 1),
    (1, 1, 10**6, 0, 1),
    (250_000, 1_000_000, 10**6, 250_000, 250_000),
    (250_000, 1_000_001, 10**6, 250_000, 250_001),
    (U64_MAX, 1, 1, U64_MAX, U64_MAX),
    (U64_MAX, U64_MAX, U64_MAX, U64_MAX, U64_MAX),
    (U64_MAX, U64_MAX, 1, OVERFLOW, OVERFLOW),
    (U64_MAX, 2, 2, U64_MAX, U64_MAX),
    (U64_MAX, 2, 3, (2 * U64_MAX) // 3, (2 * U64_MAX) // 3),
    (U64_MAX, 10_000, 10_000, U64_MAX, U64_MAX),
    (U64_MAX, 9_999, 10_000, 18_444_899_399_302_180_659, 18_444_899_399_302_180_660),
    (U64_MAX, 10**6 + 1, 10**6, OVERFLOW, OVERFLOW),
    # The product crosses 2**64 yet the quotient fits: needs the 128-bit intermediate.
    (2**32, 2**32, 2, 2**63, 2**63),
    (2**40, 2**40, 2**20, 2**60, 2**60),
    # floor(a*b/d) == U64_MAX with a remainder, so only the ceil overflows.
    (31, 1_190_112_520_884_487_201, 2, U64_MAX, OVERFLOW),
    (18_446_725_626_983_924_632, 1_000_001, 10**6, U64_MAX, OVERFLOW),
]


@pytest.mark.parametrize("value", [0, 1, 2**63, U64_MAX])
def test_checked_u64_returns_values_in_range(value: int) -> None:
    assert checked_u64(value) == value


@pytest.mark.parametrize("value", [-1, -(2**64), U64_MAX + 1, 2**128])
def test_checked_u64_refuses_values_out_of_range(value: int) -> None:
    with pytest.raises(U64OverflowError, match=rf"price={value} .*2\*\*64-1"):
        checked_u64(value, "price")


@given(not_ints)
def test_checked_u64_refuses_non_ints(value: object) -> None:
    with pytest.raises(InvalidAmountError, match="must be an int") as caught:
        checked_u64(value)  # type: ignore[arg-type]
    assert type(caught.value) is InvalidAmountError
    assert caught.value.value is value


def test_add_at_the_boundary() -> None:
    assert checked_add_u64(U64_MAX - 1, 1) == U64_MAX
    with pytest.raises(U64OverflowError, match=f"{U64_MAX} \\+ 1 = {2**64} exceeds"):
        checked_add_u64(U64_MAX, 1)


def test_sub_at_the_boundary() -> None:
    assert checked_sub_u64(0, 0) == 0
    assert checked_sub_u64(U64_MAX, U64_MAX) == 0
    with pytest.raises(U64OverflowError, match="0 - 1 = -1 is below 0"):
        checked_sub_u64(0, 1)


def test_mul_at_the_boundary() -> None:
    assert checked_mul_u64(2**32 - 1, 2**32 + 1) == U64_MAX
    with pytest.raises(U64OverflowError, match="exceeds"):
        checked_mul_u64(2**32, 2**32)


@pytest.mark.parametrize(("a", "b", "denominator", "floor", "ceil"), MUL_DIV_VECTORS)
def test_mul_div_golden_vectors(
    a: int, b: int, denominator: int, floor: int | str, ceil: int | str
) -> None:
    for function, expected in ((mul_div_floor, floor), (mul_div_ceil, ceil)):
        if expected == OVERFLOW:
            with pytest.raises(U64OverflowError, match=rf"{function.__name__}\(.*exceeds"):
                function(a, b, denominator)
        else:
            assert function(a, b, denominator) == expected


@pytest.mark.parametrize("function", [mul_div_floor, mul_div_ceil])
def test_mul_div_refuses_a_zero_denominator(function: object) -> None:
    with pytest.raises(InvalidAmountError, match="denominator must be > 0"):
        function(1, 1, 0)  # type: ignore[operator]


@pytest.mark.parametrize("function", [mul_div_floor, mul_div_ceil])
@given(bad=not_u64s, position=st.integers(0, 2))
def test_mul_div_refuses_operands_outside_u64(function: object, bad: int, position: int) -> None:
    operands = [1, 1, 1]
    operands[position] = bad
    with pytest.raises(U64OverflowError):
        function(*operands)  # type: ignore[operator]


@given(u64s, u64s)
def test_checked_add_sub_mul_agree_with_exact_maths(a: int, b: int) -> None:
    for function, exact in (
        (checked_add_u64, a + b),
        (checked_sub_u64, a - b),
        (checked_mul_u64, a * b),
    ):
        if 0 <= exact <= U64_MAX:
            assert function(a, b) == exact
        else:
            with pytest.raises(U64OverflowError):
                function(a, b)


@given(u64s, u64s, u64s.filter(bool))
def test_mul_div_is_exact_floor_and_ceil(a: int, b: int, denominator: int) -> None:
    product = a * b
    assert product <= U128_MAX
    floor, remainder = divmod(product, denominator)
    ceil = floor + (remainder != 0)
    if floor <= U64_MAX:
        assert mul_div_floor(a, b, denominator) == floor
    else:
        with pytest.raises(U64OverflowError):
            mul_div_floor(a, b, denominator)
    if ceil <= U64_MAX:
        assert mul_div_ceil(a, b, denominator) == ceil
    else:
        with pytest.raises(U64OverflowError):
            mul_div_ceil(a, b, denominator)


# A model of the C implementation that uses only what a BPF C program has: wrapping u64 values
# (masked here), shifts and compares; no 128-bit type. If this agrees with mul_div_floor/ceil,
# a C program written the same way agrees with the Python client too.
_MASK64 = U64_MAX
_MASK32 = 2**32 - 1


def _c_mul_64x64_to_128(a: int, b: int) -> tuple[int, int]:
    a_lo, a_hi = a & _MASK32, a >> 32
    b_lo, b_hi = b & _MASK32, b >> 32
    lo_lo, lo_hi, hi_lo, hi_hi = a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi
    middle = (lo_lo >> 32) + (lo_hi & _MASK32) + (hi_lo & _MASK32)
    low = ((middle << 32) & _MASK64) | (lo_lo & _MASK32)
    high = (hi_hi + (lo_hi >> 32) + (hi_lo >> 32) + (middle >> 32)) & _MASK64
    return high, low


def _c_mul_div(a: int, b: int, denominator: int, *, ceil: bool) -> int | None:
    """None where the C program returns an overflow error."""
    high, low = _c_mul_64x64_to_128(a, b)
    if high >= denominator:  # the quotient needs more than 64 bits
        return None
    quotient, remainder = 0, high
    for bit in range(63, -1, -1):
        carry = remainder >> 63
        remainder = ((remainder << 1) | ((low >> bit) & 1)) & _MASK64
        quotient = (quotient << 1) & _MASK64
        if carry or remainder >= denominator:
            remainder = (remainder - denominator) & _MASK64
            quotient |= 1
    if ceil and remainder:
        if quotient == U64_MAX:
            return None
        quotient += 1
    return quotient


@given(u64s, u64s, u64s.filter(bool))
def test_a_c_style_implementation_agrees_bit_for_bit(a: int, b: int, denominator: int) -> None:
    high, low = _c_mul_64x64_to_128(a, b)
    assert (high << 64) | low == a * b
    for function, ceil in ((mul_div_floor, False), (mul_div_ceil, True)):
        expected = _c_mul_div(a, b, denominator, ceil=ceil)
        if expected is None:
            with pytest.raises(U64OverflowError):
                function(a, b, denominator)
        else:
            assert function(a, b, denominator) == expected


@pytest.mark.parametrize(("a", "b", "denominator", "floor", "ceil"), MUL_DIV_VECTORS)
def test_the_c_style_model_matches_the_golden_vectors(
    a: int, b: int, denominator: int, floor: int | str, ceil: int | str
) -> None:
    def expected(value: int | str) -> int | None:
        return None if value == OVERFLOW else int(value)

    assert _c_mul_div(a, b, denominator, ceil=False) == expected(floor)
    assert _c_mul_div(a, b, denominator, ceil=True) == expected(ceil)
