"""The JSON shape of a monthly statement (``GET /v1/me/statements/{YYYY-MM}``).

Amounts are integers in base units, as everywhere in the API: energy in GXT base units
(1 kWh = 1,000,000), money in USDC base units (1 USDC = 1,000,000), prices in USDC base units
per kWh, CO2 in grams. :mod:`gridtokenx.statements.compute` states how each figure is computed
and rounded; the CSV and the PDF show the same figures as exact decimals.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from gridtokenx.statements import FillFigures, FillLine, MintFigures, Statement

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class StatementFillBase(BaseModel):
    market: str
    trade_id: int
    side: Literal["buy", "sell"]
    order: str
    wallet: str
    price_per_kwh: int
    quantity: int = Field(description="GXT base units")
    timestamp_ms: int = Field(description="when the matcher made the trade")
    status: Literal["settled", "pending", "submitted"]


class StatementFill(StatementFillBase):
    """A settled fill and its figures."""

    settlement_signature: str = Field(description="the Trading settle transaction")
    settled_slot: int | None
    claim_signature: str | None = Field(
        description="the claim that paid the order out after this fill's batch; null if the "
        "owner claimed or cancelled first"
    )
    notional: int = Field(description="floor(price * quantity / 10**6) USDC base units")
    fee: int = Field(description="kept back from the seller; 0 on a buy")
    net: int = Field(description="paid (buy) or received after the fee (sell)")
    tariff_period: str
    tariff_price_per_kwh: int = Field(description="retail price (buy) or feed-in price (sell)")
    tariff_value: int
    savings: int = Field(description="tariff_value - notional (buy); net - tariff_value (sell)")
    co2_avoided_g: int


class StatementUnsettledFill(StatementFillBase):
    """A fill not settled yet: counted in no total."""


class StatementMint(BaseModel):
    meter_id: str
    wallet: str
    minted_wh: int
    energy: int = Field(description="GXT base units minted (minted_wh * 1000)")
    timestamp_ms: int = Field(description="the reading's time")
    signature: str = Field(description="the Registry mint_from_reading transaction")
    co2_avoided_g: int


class StatementPeriod(BaseModel):
    """Settled purchases in one tariff period."""

    period: str
    energy_bought: int
    paid: int
    tariff_value: int


class StatementTotals(BaseModel):
    energy_bought: int
    energy_sold: int
    energy_minted: int
    paid: int
    received_gross: int
    fees: int
    received_net: int
    average_buy_price_per_kwh: int | None = Field(description="volume-weighted, rounded down")
    average_sell_price_per_kwh: int | None = Field(description="volume-weighted, rounded down")
    retail_value: int
    savings_on_purchases: int
    feed_in_value: int
    gain_on_sales: int
    savings_total: int
    co2_avoided_purchases_g: int
    co2_avoided_generation_g: int
    trades_settled: int
    trades_unsettled: int
    mints: int


class StatementPublic(BaseModel):
    user_id: uuid.UUID
    month: str = Field(description="YYYY-MM in the statements' local time")
    utc_offset_minutes: int
    period_start: datetime
    period_end: datetime = Field(description="exclusive")
    zone_id: int | None = Field(description="the zone whose tariff applies; null: the default")
    wallets: list[str]
    fee_bps: int
    grid_emission_g_per_kwh: int
    totals: StatementTotals
    fills: list[StatementFill]
    unsettled: list[StatementUnsettledFill]
    mints: list[StatementMint]
    by_period: list[StatementPeriod]


def _instant(timestamp_ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=timestamp_ms)


def _fill_fields(line: FillLine) -> dict[str, object]:
    return {
        "market": line.market,
        "trade_id": line.trade_id,
        "side": line.side,
        "order": line.order,
        "wallet": line.wallet,
        "price_per_kwh": line.price_per_kwh,
        "quantity": line.quantity,
        "timestamp_ms": line.timestamp_ms,
        "status": line.status,
    }


def _fill(figures: FillFigures) -> StatementFill:
    return StatementFill.model_validate(
        {
            **_fill_fields(figures.line),
            "settlement_signature": figures.line.settlement_signature or "",
            "settled_slot": figures.line.settled_slot,
            "claim_signature": figures.line.claim_signature,
            "notional": figures.notional,
            "fee": figures.fee,
            "net": figures.net,
            "tariff_period": figures.tariff_period,
            "tariff_price_per_kwh": figures.tariff_price_per_kwh,
            "tariff_value": figures.tariff_value,
            "savings": figures.savings,
            "co2_avoided_g": figures.co2_avoided_g,
        }
    )


def _mint(figures: MintFigures) -> StatementMint:
    line = figures.line
    return StatementMint(
        meter_id=line.meter_id,
        wallet=line.wallet,
        minted_wh=line.minted_wh,
        energy=figures.energy,
        timestamp_ms=line.timestamp_ms,
        signature=line.signature,
        co2_avoided_g=figures.co2_avoided_g,
    )


def statement_public(statement: Statement) -> StatementPublic:
    t = statement.totals
    return StatementPublic(
        user_id=uuid.UUID(statement.user_id),
        month=str(statement.month),
        utc_offset_minutes=statement.utc_offset_minutes,
        period_start=_instant(statement.period_start_ms),
        period_end=_instant(statement.period_end_ms),
        zone_id=statement.zone_id,
        wallets=list(statement.wallets),
        fee_bps=statement.fee_bps,
        grid_emission_g_per_kwh=statement.grid_emission_g_per_kwh,
        totals=StatementTotals(
            energy_bought=t.energy_bought,
            energy_sold=t.energy_sold,
            energy_minted=t.energy_minted,
            paid=t.paid,
            received_gross=t.received_gross,
            fees=t.fees,
            received_net=t.received_net,
            average_buy_price_per_kwh=t.average_buy_price_per_kwh,
            average_sell_price_per_kwh=t.average_sell_price_per_kwh,
            retail_value=t.retail_value,
            savings_on_purchases=t.savings_on_purchases,
            feed_in_value=t.feed_in_value,
            gain_on_sales=t.gain_on_sales,
            savings_total=t.savings_total,
            co2_avoided_purchases_g=t.co2_avoided_purchases_g,
            co2_avoided_generation_g=t.co2_avoided_generation_g,
            trades_settled=t.trades_settled,
            trades_unsettled=t.trades_unsettled,
            mints=t.mints,
        ),
        fills=[_fill(figures) for figures in statement.fills],
        unsettled=[
            StatementUnsettledFill.model_validate(_fill_fields(line))
            for line in statement.unsettled
        ],
        mints=[_mint(figures) for figures in statement.mints],
        by_period=[
            StatementPeriod(
                period=p.period,
                energy_bought=p.energy_bought,
                paid=p.paid,
                tariff_value=p.tariff_value,
            )
            for p in statement.by_period
        ],
    )
