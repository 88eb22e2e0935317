"""A statement as CSV (RFC 4180, ``\\r\\n`` line ends, UTF-8), and its parser.

One header row, then one row per record, in this order:

* ``summary``: the header and totals (:func:`gridtokenx.statements.text.summary_items`) in
  ``item``/``value``;
* ``fill``: a settled fill with its figures (see :mod:`gridtokenx.statements.compute`), its
  ``settle`` transaction ``signature`` and, once paid out, its ``claim_signature``;
* ``unsettled``: a fill not settled yet (not counted in any total);
* ``mint``: GXT minted for a meter of the user, with its transaction ``signature``;
* ``period``: settled purchases per tariff period (``item`` is the period).

Amounts are exact decimals (kWh and USDC with 6 decimals; see
:mod:`gridtokenx.statements.text`); empty cells mean "not applicable". :func:`parse_csv` reads
back the lines and the summary, so ``parse_csv(render_csv(s))`` gives ``s``'s fills, unsettled
fills, mints and summary exactly.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import cast

from gridtokenx.core.units import GXT_BASE_UNITS_PER_WH
from gridtokenx.statements.compute import Statement
from gridtokenx.statements.errors import StatementError
from gridtokenx.statements.lines import FillLine, FillStatus, MintLine, Side
from gridtokenx.statements.text import amount, parse, summary_items, time_utc

COLUMNS = (
    "record",
    "time_utc",
    "timestamp_ms",
    "market",
    "trade_id",
    "side",
    "order",
    "wallet",
    "meter_id",
    "price_usdc_per_kwh",
    "energy_kwh",
    "amount_usdc",
    "fee_usdc",
    "net_usdc",
    "tariff_period",
    "tariff_usdc_per_kwh",
    "tariff_value_usdc",
    "savings_usdc",
    "co2_avoided_g",
    "status",
    "signature",
    "slot",
    "claim_signature",
    "item",
    "value",
)


def _fill_row(record: str, line: FillLine) -> dict[str, str]:
    return {
        "record": record,
        "time_utc": time_utc(line.timestamp_ms),
        "timestamp_ms": str(line.timestamp_ms),
        "market": line.market,
        "trade_id": str(line.trade_id),
        "side": line.side,
        "order": line.order,
        "wallet": line.wallet,
        "price_usdc_per_kwh": amount(line.price_per_kwh),
        "energy_kwh": amount(line.quantity),
        "status": line.status,
        "signature": line.settlement_signature or "",
        "slot": "" if line.settled_slot is None else str(line.settled_slot),
        "claim_signature": line.claim_signature or "",
    }


def render_csv(statement: Statement) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, restval="", lineterminator="\r\n")
    writer.writeheader()
    for name, value in summary_items(statement):
        writer.writerow({"record": "summary", "item": name, "value": value})
    for figures in statement.fills:
        row = _fill_row("fill", figures.line)
        row.update(
            amount_usdc=amount(figures.notional),
            fee_usdc=amount(figures.fee),
            net_usdc=amount(figures.net),
            tariff_period=figures.tariff_period,
            tariff_usdc_per_kwh=amount(figures.tariff_price_per_kwh),
            tariff_value_usdc=amount(figures.tariff_value),
            savings_usdc=amount(figures.savings),
            co2_avoided_g=str(figures.co2_avoided_g),
        )
        writer.writerow(row)
    for line in statement.unsettled:
        writer.writerow(_fill_row("unsettled", line))
    for mint in statement.mints:
        writer.writerow(
            {
                "record": "mint",
                "time_utc": time_utc(mint.line.timestamp_ms),
                "timestamp_ms": str(mint.line.timestamp_ms),
                "wallet": mint.line.wallet,
                "meter_id": mint.line.meter_id,
                "energy_kwh": amount(mint.energy),
                "co2_avoided_g": str(mint.co2_avoided_g),
                "status": "confirmed",
                "signature": mint.line.signature,
            }
        )
    for period in statement.by_period:
        writer.writerow(
            {
                "record": "period",
                "item": period.period,
                "energy_kwh": amount(period.energy_bought),
                "amount_usdc": amount(period.paid),
                "tariff_value_usdc": amount(period.tariff_value),
            }
        )
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class ParsedCsv:
    fills: list[FillLine]
    unsettled: list[FillLine]
    mints: list[MintLine]
    summary: list[tuple[str, str]]
    figures: list[dict[str, str]]
    """The ``fill`` rows as read (every column), for checks against the chain."""


def _fill_line(row: dict[str, str]) -> FillLine:
    return FillLine(
        market=row["market"],
        trade_id=int(row["trade_id"]),
        side=cast(Side, row["side"]),
        order=row["order"],
        wallet=row["wallet"],
        price_per_kwh=parse(row["price_usdc_per_kwh"]),
        quantity=parse(row["energy_kwh"]),
        timestamp_ms=int(row["timestamp_ms"]),
        status=cast(FillStatus, row["status"]),
        settlement_signature=row["signature"] or None,
        settled_slot=int(row["slot"]) if row["slot"] else None,
        claim_signature=row["claim_signature"] or None,
    )


def parse_csv(text: str) -> ParsedCsv:
    """Read a CSV written by :func:`render_csv`; StatementError if it is not one."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise StatementError("not a GridTokenX statement CSV: its header differs")
    parsed = ParsedCsv([], [], [], [], [])
    for row in reader:
        record = row["record"]
        if record == "summary":
            parsed.summary.append((row["item"], row["value"]))
        elif record == "fill":
            parsed.fills.append(_fill_line(row))
            parsed.figures.append(dict(row))
        elif record == "unsettled":
            parsed.unsettled.append(_fill_line(row))
        elif record == "mint":
            energy = parse(row["energy_kwh"])
            parsed.mints.append(
                MintLine(
                    meter_id=row["meter_id"],
                    wallet=row["wallet"],
                    minted_wh=energy // GXT_BASE_UNITS_PER_WH,
                    timestamp_ms=int(row["timestamp_ms"]),
                    signature=row["signature"],
                )
            )
        elif record != "period":
            raise StatementError(f"unknown record {record[:32]!r} in a statement CSV")
    return parsed
