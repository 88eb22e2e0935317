"""Decimal strings <-> base units: exact, strict, and typed errors that name the text."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.core import (
    U64_MAX,
    AmountParseError,
    InvalidAmountError,
    U64OverflowError,
    format_amount,
    format_gxt,
    format_price_per_kwh,
    format_usdc,
    parse_amount,
    parse_gxt,
    parse_price_per_kwh,
    parse_usdc,
)
from tests.core.strategies import u64s

PARSERS: list[Callable[[str], int]] = [parse_gxt, parse_usdc, parse_price_per_kwh]
FORMATTERS: list[Callable[[int], str]] = [format_gxt, format_usdc, format_price_per_kwh]
LARGEST = "18446744073709.551615"


@pytest.mark.parametrize(
    ("text", "base_units"),
    [
        ("0", 0),
        ("0.0", 0),
        ("000", 0),
        ("1", 1_000_000),
        ("1.5", 1_500_000),
        ("0.000001", 1),
        ("12.345678", 12_345_678),
        ("007.010", 7_010_000),
        ("0.25", 250_000),
        (LARGEST, U64_MAX),
    ],
)
@pytest.mark.parametrize("parse", PARSERS)
def test_parse_known_values(parse: Callable[[str], int], text: str, base_units: int) -> None:
    assert parse(text) == base_units


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "not a decimal number"),
        (" 1", "not a decimal number"),
        ("1 ", "not a decimal number"),
        ("1\n", "not a decimal number"),
        ("1.", "not a decimal number"),
        (".5", "not a decimal number"),
        ("+1", "not a decimal number"),
        ("--1", "not a decimal number"),
        ("1e3", "not a decimal number"),
        ("1_000", "not a decimal number"),
        ("1,5", "not a decimal number"),
        ("1.2.3", "not a decimal number"),
        ("0x10", "not a decimal number"),
        ("NaN", "not a decimal number"),
        ("inf", "not a decimal number"),
        ("\u0661\u0662", "not a decimal number"),  # Arabic-Indic digits, which int() accepts
        ("\uff11", "not a decimal number"),  # a full-width 1
        ("1.1234567", "has 7 decimals; a GXT amount has at most 6"),
        ("0.0000001", "has 7 decimals"),
        ("1.000000000", "has 9 decimals"),
        ("-1", "has a minus sign; a GXT amount cannot be negative"),
        ("-0", "minus sign"),
        ("18446744073709.551616", f"outside the range of a GXT amount: 0.000000 to {LARGEST}"),
        ("99999999999999999999999", "outside the range"),
        ("1" * 65, "65 characters long"),
    ],
)
def test_parse_gxt_refuses(text: str, rule: str) -> None:
    with pytest.raises(AmountParseError, match=rule) as caught:
        parse_gxt(text)
    assert caught.value.value == text
    if len(text) <= 64:
        assert repr(text) in str(caught.value)


@pytest.mark.parametrize("value", [1, 1.5, None, b"1", Decimal("1"), ["1"]])
@pytest.mark.parametrize("parse", PARSERS)
def test_parse_refuses_non_strings(parse: Callable[[object], int], value: object) -> None:
    with pytest.raises(AmountParseError, match="must be given as a str"):
        parse(value)


def test_messages_name_the_kind_of_amount() -> None:
    with pytest.raises(AmountParseError, match="a USDC amount has at most 6"):
        parse_usdc("0.1234567")
    with pytest.raises(AmountParseError, match="a price in USDC per kWh cannot be negative"):
        parse_price_per_kwh("-0.12")


@pytest.mark.parametrize(
    ("base_units", "text"),
    [(0, "0.000000"), (1, "0.000001"), (1_500_000, "1.500000"), (U64_MAX, LARGEST)],
)
@pytest.mark.parametrize("format_", FORMATTERS)
def test_format_known_values(format_: Callable[[int], str], base_units: int, text: str) -> None:
    assert format_(base_units) == text


@pytest.mark.parametrize("format_", FORMATTERS)
def test_format_refuses_what_is_not_a_u64(format_: Callable[[object], str]) -> None:
    with pytest.raises(U64OverflowError):
        format_(-1)
    with pytest.raises(U64OverflowError):
        format_(U64_MAX + 1)
    with pytest.raises(InvalidAmountError, match="must be an int"):
        format_(1.5)


def test_generic_amounts_with_other_decimals() -> None:
    assert parse_amount("1.5", decimals=9) == 1_500_000_000
    assert parse_amount("42", decimals=0) == 42
    assert format_amount(42, decimals=0) == "42"
    assert format_amount(1, decimals=9) == "0.000000001"
    with pytest.raises(AmountParseError, match="has 1 decimals; an amount has at most 0"):
        parse_amount("4.2", decimals=0)
    with pytest.raises(InvalidAmountError, match=r"decimals=19 is outside 0\.\.18"):
        parse_amount("1", decimals=19)
    with pytest.raises(InvalidAmountError, match=r"decimals=-1 is outside 0\.\.18"):
        format_amount(1, decimals=-1)
    with pytest.raises(InvalidAmountError, match="decimals must be an int"):
        format_amount(1, decimals=True)


def test_signed_amounts() -> None:
    assert parse_amount("-1.5", decimals=6, signed=True) == -1_500_000
    assert parse_amount("-0", decimals=6, signed=True) == 0
    assert format_amount(-1_500_000, decimals=6) == "-1.500000"
    assert parse_amount("-9223372036854.775808", decimals=6, signed=True) == -(2**63)
    with pytest.raises(AmountParseError, match="outside the range of a signed amount"):
        parse_amount("9223372036854.775808", decimals=6, signed=True)
    with pytest.raises(AmountParseError, match="cannot be negative"):
        parse_amount("-1", decimals=6)


@pytest.mark.parametrize(("parse", "format_"), list(zip(PARSERS, FORMATTERS, strict=True)))
@given(base_units=u64s)
def test_format_then_parse_is_the_identity(
    parse: Callable[[str], int], format_: Callable[[int], str], base_units: int
) -> None:
    assert parse(format_(base_units)) == base_units


@given(whole=st.integers(0, 10**13), fraction=st.text("0123456789", min_size=0, max_size=6))
def test_parse_agrees_with_decimal_arithmetic(whole: int, fraction: str) -> None:
    text = f"{whole}.{fraction}" if fraction else str(whole)
    # Decimal is only the oracle here; the code under test never uses it.
    assert parse_gxt(text) == int(Decimal(text) * 10**6)
    assert Decimal(format_gxt(parse_gxt(text))) == Decimal(text)


@given(st.integers(-(2**63), 2**63 - 1), st.integers(0, 18))
def test_signed_round_trip_for_any_decimals(amount: int, decimals: int) -> None:
    text = format_amount(amount, decimals=decimals)
    assert parse_amount(text, decimals=decimals, signed=True) == amount


@given(u64s, u64s)
def test_formatting_preserves_order(first: int, second: int) -> None:
    if first < second:
        assert Decimal(format_gxt(first)) < Decimal(format_gxt(second))


@given(st.text(max_size=30))
def test_parse_never_fails_with_anything_but_a_parse_error(text: str) -> None:
    try:
        value = parse_gxt(text)
    except AmountParseError:
        return
    assert 0 <= value <= U64_MAX
    assert Decimal(text) * 10**6 == value
