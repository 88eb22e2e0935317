"""Exact text for statement figures, shared by the CSV and the PDF.

Amounts are written with :func:`gridtokenx.core.money.format_amount` — every decimal, no
rounding — so the text parses back to the same base units: kWh and USDC with 6 decimals (GXT
and USDC base units), signed where a figure can be negative (savings). Times are UTC ISO 8601
with milliseconds (``2026-11-03T10:15:00.250Z``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gridtokenx.core.money import format_amount, parse_amount
from gridtokenx.statements.compute import Statement

DECIMALS = 6
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def amount(value: int) -> str:
    """Base units (GXT or USDC, possibly negative) as a decimal with 6 decimals."""
    return format_amount(value, decimals=DECIMALS)


def parse(text: str) -> int:
    """The inverse of :func:`amount`."""
    return parse_amount(text, decimals=DECIMALS, signed=True)


def time_utc(timestamp_ms: int) -> str:
    instant = _EPOCH + timedelta(milliseconds=timestamp_ms)
    return instant.strftime("%Y-%m-%dT%H:%M:%S.") + f"{timestamp_ms % 1000:03d}Z"


def utc_offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def _optional(value: int | None) -> str:
    return "" if value is None else amount(value)


def summary_items(statement: Statement) -> list[tuple[str, str]]:
    """The statement's header and totals as (name, text) pairs, in the order shown."""
    t = statement.totals
    return [
        ("user_id", statement.user_id),
        ("month", str(statement.month)),
        ("local_time", utc_offset(statement.utc_offset_minutes)),
        ("period_start_utc", time_utc(statement.period_start_ms)),
        ("period_end_utc", time_utc(statement.period_end_ms)),
        ("zone_id", "" if statement.zone_id is None else str(statement.zone_id)),
        ("wallets", " ".join(statement.wallets)),
        ("fee_bps", str(statement.fee_bps)),
        ("grid_emission_g_per_kwh", str(statement.grid_emission_g_per_kwh)),
        ("energy_bought_kwh", amount(t.energy_bought)),
        ("energy_sold_kwh", amount(t.energy_sold)),
        ("energy_minted_kwh", amount(t.energy_minted)),
        ("paid_usdc", amount(t.paid)),
        ("received_gross_usdc", amount(t.received_gross)),
        ("fees_usdc", amount(t.fees)),
        ("received_net_usdc", amount(t.received_net)),
        ("average_buy_price_usdc_per_kwh", _optional(t.average_buy_price_per_kwh)),
        ("average_sell_price_usdc_per_kwh", _optional(t.average_sell_price_per_kwh)),
        ("retail_value_usdc", amount(t.retail_value)),
        ("savings_on_purchases_usdc", amount(t.savings_on_purchases)),
        ("feed_in_value_usdc", amount(t.feed_in_value)),
        ("gain_on_sales_usdc", amount(t.gain_on_sales)),
        ("savings_total_usdc", amount(t.savings_total)),
        ("co2_avoided_purchases_g", str(t.co2_avoided_purchases_g)),
        ("co2_avoided_generation_g", str(t.co2_avoided_generation_g)),
        ("trades_settled", str(t.trades_settled)),
        ("trades_unsettled", str(t.trades_unsettled)),
        ("mints", str(t.mints)),
    ]
