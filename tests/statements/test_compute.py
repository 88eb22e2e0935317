"""Statement figures: totals are the sums of the lines, fees and savings follow their formulas,
only settled fills count, and lines outside the month are refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.config import StatementSettings
from gridtokenx.core.money import payment_for_fill
from gridtokenx.gateway.statement_service import tariff_from_settings
from gridtokenx.statements import (
    FillLine,
    MintLine,
    Month,
    Statement,
    StatementError,
    Tariff,
    ZoneTariff,
    build_statement,
)
from tests.statements.strategies import MONTHS, chain_fee, fill_lines, mint_lines, tariffs

M = 10**6


@st.composite
def statements(draw: st.DrawFn) -> tuple[Statement, list[FillLine], list[MintLine], Tariff]:
    tariff = draw(tariffs())
    month = draw(MONTHS)
    start, end = month.bounds_ms(tariff.utc_offset_minutes)
    fills = draw(st.lists(fill_lines(start, end), max_size=12))
    mints = draw(st.lists(mint_lines(start, end), max_size=6))
    statement = build_statement(
        user_id="00000000-0000-4000-8000-000000000001",
        month=month,
        wallets=["W2", "W1"],
        zone_id=draw(st.none() | st.integers(0, 6)),
        fills=fills,
        mints=mints,
        tariff=tariff,
        fee_bps=draw(st.integers(0, 10_000)),
    )
    return statement, fills, mints, tariff


@given(statements())
def test_totals_are_the_sums_of_the_lines(
    case: tuple[Statement, list[FillLine], list[MintLine], Tariff],
) -> None:
    statement, fills, mints, _ = case
    t = statement.totals
    bought = [f for f in statement.fills if f.line.side == "buy"]
    sold = [f for f in statement.fills if f.line.side == "sell"]
    assert t.energy_bought == sum(f.line.quantity for f in bought)
    assert t.energy_sold == sum(f.line.quantity for f in sold)
    assert t.paid == sum(f.net for f in bought) == sum(f.notional for f in bought)
    assert t.received_gross == sum(f.notional for f in sold)
    assert t.received_net + t.fees == t.received_gross
    assert t.fees == sum(f.fee for f in sold)
    assert t.retail_value == sum(f.tariff_value for f in bought)
    assert t.feed_in_value == sum(f.tariff_value for f in sold)
    assert t.savings_on_purchases == t.retail_value - t.paid
    assert t.gain_on_sales == t.received_net - t.feed_in_value
    assert t.savings_total == t.savings_on_purchases + t.gain_on_sales
    assert t.energy_minted == sum(m.minted_wh * 1000 for m in mints)
    assert t.co2_avoided_generation_g == sum(m.co2_avoided_g for m in statement.mints)
    assert t.co2_avoided_purchases_g == sum(f.co2_avoided_g for f in bought)
    assert sum(p.energy_bought for p in statement.by_period) == t.energy_bought
    assert sum(p.paid for p in statement.by_period) == t.paid
    assert sum(p.tariff_value for p in statement.by_period) == t.retail_value
    # Only settled fills count; pending and submitted ones are listed; rejected ones vanish.
    assert [f.line for f in statement.fills] == sorted(
        (f for f in fills if f.status == "settled"),
        key=lambda f: (f.timestamp_ms, f.market, f.trade_id, f.side),
    )
    assert {id(u) for u in statement.unsettled} == {
        id(f) for f in fills if f.status in ("pending", "submitted")
    }
    assert t.trades_settled + t.trades_unsettled == sum(f.status != "rejected" for f in fills)
    assert t.mints == len(mints)
    assert statement.wallets == ("W1", "W2")


@given(statements())
def test_each_fill_follows_the_formulas(
    case: tuple[Statement, list[FillLine], list[MintLine], Tariff],
) -> None:
    statement, _, _, tariff = case
    zone = tariff.zone(statement.zone_id)
    factor = tariff.grid_emission_g_per_kwh
    for f in statement.fills:
        p, q = f.line.price_per_kwh, f.line.quantity
        assert f.notional == payment_for_fill(p, q)
        if f.line.side == "buy":
            period, price = tariff.retail_price(statement.zone_id, f.line.timestamp_ms)
            assert (f.tariff_period, f.tariff_price_per_kwh) == (period, price)
            assert f.fee == 0
            assert f.net == f.notional
            assert f.savings == price * q // M - f.notional
            assert f.co2_avoided_g == q * factor // M
        else:
            assert f.fee == chain_fee(p, q, statement.fee_bps)
            assert f.net == f.notional - f.fee
            assert f.tariff_price_per_kwh == zone.feed_in_price_per_kwh
            assert f.savings == f.net - zone.feed_in_price_per_kwh * q // M
            assert f.co2_avoided_g == 0
    for m in statement.mints:
        assert m.co2_avoided_g == m.line.minted_wh * factor // 1000


@given(statements())
def test_averages_are_volume_weighted_and_rounded_down(
    case: tuple[Statement, list[FillLine], list[MintLine], Tariff],
) -> None:
    statement, _, _, _ = case
    for side, average in (
        ("buy", statement.totals.average_buy_price_per_kwh),
        ("sell", statement.totals.average_sell_price_per_kwh),
    ):
        lines = [f.line for f in statement.fills if f.line.side == side]
        if not lines:
            assert average is None
            continue
        assert average is not None
        volume = sum(line.quantity for line in lines)
        value = sum(line.price_per_kwh * line.quantity for line in lines)
        assert average * volume <= value < (average + 1) * volume
        assert min(line.price_per_kwh for line in lines) <= average
        assert average <= max(line.price_per_kwh for line in lines)


def test_a_worked_example() -> None:
    """One buy at peak, one sell, a pending fill and a mint, figures written out by hand."""
    tariff = tariff_from_settings(StatementSettings())
    month = Month(2026, 11)
    start, _ = month.bounds_ms(420)
    monday_10_local = start + (2 * 24 + 10) * 3_600_000  # 2026-11-02 10:00 (Monday)
    statement = build_statement(
        user_id="u",
        month=month,
        wallets=["W"],
        zone_id=None,
        fills=[
            FillLine(
                trade_id=1,
                side="buy",
                price_per_kwh=120_000,
                quantity=2_500_000,
                timestamp_ms=monday_10_local,
                status="settled",
                settlement_signature="S1",
                market="MKT",
                order="ORD",
                wallet="W",
            ),
            FillLine(
                trade_id=2,
                side="sell",
                price_per_kwh=130_001,
                quantity=1_000_001,
                timestamp_ms=monday_10_local + 1,
                status="settled",
                settlement_signature="S2",
                market="MKT",
                order="ORD",
                wallet="W",
            ),
            FillLine(
                trade_id=3,
                side="buy",
                price_per_kwh=1,
                quantity=1,
                status="pending",
                timestamp_ms=monday_10_local + 2,
                market="MKT",
                order="ORD",
                wallet="W",
            ),
        ],
        mints=[
            MintLine(meter_id="m", wallet="W", minted_wh=2_001, timestamp_ms=start, signature="MS")
        ],
        tariff=tariff,
        fee_bps=25,
    )
    buy, sell = statement.fills
    assert (buy.tariff_period, buy.notional, buy.tariff_value) == ("peak", 300_000, 414_157)
    assert buy.savings == 114_157  # floor(165_663 * 2.5) - 0.30 USDC
    assert buy.co2_avoided_g == 1_250  # 2.5 kWh at 500 g/kWh
    assert sell.notional == 130_001  # floor(130_001 * 1_000_001 / 10**6) = 130_001
    assert sell.fee == 325  # floor(130_001 * 25 / 10_000)
    assert sell.net == 129_676
    assert sell.tariff_value == 62_857  # floor(62_857 * 1.000001)
    assert sell.savings == 66_819
    t = statement.totals
    assert (t.savings_total, t.trades_unsettled, t.energy_minted) == (180_976, 1, 2_001_000)
    assert t.co2_avoided_generation_g == 1_000  # floor(2_001 Wh * 500 / 1000)


def test_lines_outside_the_month_are_refused() -> None:
    tariff = Tariff(utc_offset_minutes=0, default=tariffs_default())
    month = Month(2026, 11)
    _, end = month.bounds_ms(0)
    outside = FillLine(
        market="M",
        trade_id=1,
        side="buy",
        order="O",
        wallet="W",
        price_per_kwh=1,
        quantity=1,
        timestamp_ms=end,
        status="settled",
    )
    with pytest.raises(StatementError, match="trade M/1"):
        build_statement(
            user_id="u",
            month=month,
            wallets=[],
            zone_id=None,
            fills=[outside],
            mints=[],
            tariff=tariff,
            fee_bps=0,
        )
    with pytest.raises(StatementError, match="fee_bps"):
        build_statement(
            user_id="u",
            month=month,
            wallets=[],
            zone_id=None,
            fills=[],
            mints=[],
            tariff=tariff,
            fee_bps=10_001,
        )


def tariffs_default() -> ZoneTariff:
    return ZoneTariff(periods=(), base_period="flat", base_price_per_kwh=1, feed_in_price_per_kwh=1)
