"""Errors of the core domain types; see ``gridtokenx.errors`` for the whole tree.

Every message names the offending value (with ``repr``, so ``'1'`` and ``1`` differ) and the rule
it broke; the value is also kept on the error as ``error.value`` for callers that map errors to
API responses.
"""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class CoreError(GridTokenXError):
    """A value breaks a rule of the core unit, money, time or id types."""

    def __init__(self, message: str, value: object = None) -> None:
        super().__init__(message)
        self.value = value


class InvalidAmountError(CoreError):
    """An integer amount (energy, tokens, price, fee) is not an ``int``, or is out of its range."""


class U64OverflowError(InvalidAmountError):
    """An operand or a result lies outside 0..2**64-1, where the on-chain programs would fail."""


class FractionalWhError(InvalidAmountError):
    """A GXT amount is not a whole number of watt-hours (not a multiple of 1,000 base units)."""


class InvalidFeeError(InvalidAmountError):
    """A fee in basis points is outside 0..10,000."""


class AmountParseError(CoreError):
    """A decimal string is not a valid amount: garbage, a sign, too many decimals, out of range."""


class TimestampError(CoreError):
    """A timestamp is naive, not in UTC, or outside the range the platform represents."""


class MeterIdError(CoreError):
    """A meter id is not a canonical UUID string or 16 bytes, or is the nil or max UUID."""
