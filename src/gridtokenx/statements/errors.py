"""Errors of the statements core (see :mod:`gridtokenx.errors` for the whole tree)."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class StatementError(GridTokenXError):
    """A statement cannot be computed as asked."""


class TariffError(StatementError):
    """A tariff cannot work: a period that is empty, crosses midnight, names a weekday outside
    1..7, or has a negative price. The message names the period."""


class MonthError(StatementError):
    """A month is not ``YYYY-MM`` (years 1970 to 9998, months 01 to 12)."""
