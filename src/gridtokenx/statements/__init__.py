"""Monthly statements: a pure core (no I/O) that turns a user's fills and mints into exact
figures and renders them as CSV and PDF.

* :mod:`~gridtokenx.statements.month` — ``YYYY-MM`` months in the statements' local time.
* :mod:`~gridtokenx.statements.tariff` — retail tariffs, time of use by zone, feed-in prices,
  the grid's emission factor.
* :mod:`~gridtokenx.statements.lines` — the inputs: fills (with their ``settle`` signatures)
  and mints (with theirs).
* :mod:`~gridtokenx.statements.compute` — the statement: per-line figures and totals, with the
  exact rounding rules.
* :mod:`~gridtokenx.statements.csv_format`, :mod:`~gridtokenx.statements.pdf` — renderings.

Amounts are integers in base units everywhere: energy in GXT base units (1 kWh = 10**6), money
in USDC base units (1 USDC = 10**6), prices in USDC base units per kWh, CO2 in grams.
"""

from __future__ import annotations

from gridtokenx.statements.compute import (
    FillFigures,
    MintFigures,
    PeriodTotal,
    Statement,
    Totals,
    build_statement,
)
from gridtokenx.statements.csv_format import ParsedCsv, parse_csv, render_csv
from gridtokenx.statements.errors import MonthError, StatementError, TariffError
from gridtokenx.statements.lines import FillLine, MintLine
from gridtokenx.statements.month import Month
from gridtokenx.statements.pdf import render_pdf
from gridtokenx.statements.tariff import Tariff, TouPeriod, ZoneTariff

__all__ = [
    "FillFigures",
    "FillLine",
    "MintFigures",
    "MintLine",
    "Month",
    "MonthError",
    "ParsedCsv",
    "PeriodTotal",
    "Statement",
    "StatementError",
    "Tariff",
    "TariffError",
    "Totals",
    "TouPeriod",
    "ZoneTariff",
    "build_statement",
    "parse_csv",
    "render_csv",
    "render_pdf",
]
