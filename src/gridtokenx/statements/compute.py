"""A user's monthly statement computed from its lines: exact integers, every figure traceable.

Counted lines
    Only settled fills count as energy bought or sold: their ``settle`` transaction moved the
    tokens on chain. Fills still ``pending`` or ``submitted`` are listed in ``unsettled`` and
    counted nowhere (a past month's statement changes once they settle). ``rejected`` fills
    moved nothing and are left out. Mints count when their transaction was confirmed.
    A fill belongs to the month of its trade time, a mint to the month of its reading.

Per fill (``p`` price in USDC base units per kWh, ``q`` GXT base units, ``M = 10**6``)
    * ``notional = floor(p * q / M)``: what the buyer pays (``payment_for_fill``, as on chain).
    * ``fee = floor(notional * fee_bps / 10_000)`` for a sell, ``0`` for a buy: the Trading
      program keeps the fee back from the seller's proceeds.
    * ``net = notional`` for a buy (paid), ``notional - fee`` for a sell (received).
    * buy: ``tariff_price`` is the zone's retail price at the trade time (time of use),
      ``tariff_value = floor(tariff_price * q / M)`` what the grid would have charged, and
      ``savings = tariff_value - notional``.
    * sell: ``tariff_price`` is the zone's feed-in price, ``tariff_value`` what the grid would
      have paid, and ``savings = net - tariff_value`` (the gain over feeding in).
    * buy: ``co2_avoided_g = floor(q * grid_emission_g_per_kwh / M)``; sell: ``0``.

Per mint
    ``energy = minted_wh * 1000`` GXT base units and
    ``co2_avoided_g = floor(minted_wh * grid_emission_g_per_kwh / 1000)``.

Totals
    Every total is the exact sum of the per-line figures above (rounding happens once per line,
    never on a sum), so a reader can add up the lines and get the totals. Averages are
    volume-weighted and rounded down: ``floor(sum(p * q) / sum(q))`` USDC base units per kWh,
    ``None`` without volume. ``savings_total = savings_on_purchases + gain_on_sales`` (signed).
    CO2 is reported twice and never added up: energy the user's meters exported (generation)
    and energy the user bought on the market instead of from the grid (purchases) — summed over
    all users these would count each traded kWh twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gridtokenx.core.units import BPS_DENOMINATOR, GXT_BASE_UNITS_PER_KWH, GXT_BASE_UNITS_PER_WH
from gridtokenx.statements.errors import StatementError
from gridtokenx.statements.lines import FillLine, MintLine
from gridtokenx.statements.month import Month
from gridtokenx.statements.tariff import Tariff

_WH_PER_KWH = 1_000


@dataclass(frozen=True, slots=True, kw_only=True)
class FillFigures:
    line: FillLine
    notional: int
    fee: int
    net: int
    tariff_period: str
    tariff_price_per_kwh: int
    tariff_value: int
    savings: int
    co2_avoided_g: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MintFigures:
    line: MintLine
    energy: int
    co2_avoided_g: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PeriodTotal:
    """Settled purchases in one tariff period."""

    period: str
    energy_bought: int
    paid: int
    tariff_value: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Totals:
    energy_bought: int
    energy_sold: int
    energy_minted: int
    paid: int
    received_gross: int
    fees: int
    received_net: int
    average_buy_price_per_kwh: int | None
    average_sell_price_per_kwh: int | None
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


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement:
    user_id: str
    month: Month
    utc_offset_minutes: int
    period_start_ms: int
    period_end_ms: int
    zone_id: int | None
    wallets: tuple[str, ...]
    fee_bps: int
    grid_emission_g_per_kwh: int
    fills: tuple[FillFigures, ...]
    unsettled: tuple[FillLine, ...]
    mints: tuple[MintFigures, ...]
    by_period: tuple[PeriodTotal, ...]
    totals: Totals


def fill_figures(
    line: FillLine, *, tariff: Tariff, zone_id: int | None, fee_bps: int
) -> FillFigures:
    """The figures of one settled fill (see the module docstring for each formula)."""
    quantity = line.quantity
    notional = line.price_per_kwh * quantity // GXT_BASE_UNITS_PER_KWH
    if line.side == "buy":
        period, price = tariff.retail_price(zone_id, line.timestamp_ms)
        value = price * quantity // GXT_BASE_UNITS_PER_KWH
        co2 = quantity * tariff.grid_emission_g_per_kwh // GXT_BASE_UNITS_PER_KWH
        return FillFigures(
            line=line,
            notional=notional,
            fee=0,
            net=notional,
            tariff_period=period,
            tariff_price_per_kwh=price,
            tariff_value=value,
            savings=value - notional,
            co2_avoided_g=co2,
        )
    fee = notional * fee_bps // BPS_DENOMINATOR
    net = notional - fee
    price = tariff.zone(zone_id).feed_in_price_per_kwh
    value = price * quantity // GXT_BASE_UNITS_PER_KWH
    return FillFigures(
        line=line,
        notional=notional,
        fee=fee,
        net=net,
        tariff_period="feed_in",
        tariff_price_per_kwh=price,
        tariff_value=value,
        savings=net - value,
        co2_avoided_g=0,
    )


def mint_figures(line: MintLine, *, tariff: Tariff) -> MintFigures:
    return MintFigures(
        line=line,
        energy=line.minted_wh * GXT_BASE_UNITS_PER_WH,
        co2_avoided_g=line.minted_wh * tariff.grid_emission_g_per_kwh // _WH_PER_KWH,
    )


def _average(fills: Iterable[FillFigures]) -> int | None:
    volume = 0
    value = 0
    for figures in fills:
        volume += figures.line.quantity
        value += figures.line.price_per_kwh * figures.line.quantity
    return value // volume if volume else None


def _check_inside(what: str, timestamp_ms: int, start_ms: int, end_ms: int) -> None:
    if not start_ms <= timestamp_ms < end_ms:
        raise StatementError(
            f"{what} at {timestamp_ms} ms lies outside the month [{start_ms}, {end_ms})"
        )


def build_statement(
    *,
    user_id: str,
    month: Month,
    wallets: Sequence[str],
    zone_id: int | None,
    fills: Iterable[FillLine],
    mints: Iterable[MintLine],
    tariff: Tariff,
    fee_bps: int,
) -> Statement:
    """The statement of ``month`` from the user's fills and confirmed mints of that month.

    Raises StatementError if a line lies outside the month (the caller selected wrongly)."""
    if not 0 <= fee_bps <= BPS_DENOMINATOR:
        raise StatementError(f"fee_bps={fee_bps} is outside 0..{BPS_DENOMINATOR}")
    start_ms, end_ms = month.bounds_ms(tariff.utc_offset_minutes)
    settled: list[FillFigures] = []
    unsettled: list[FillLine] = []
    for line in sorted(fills, key=lambda f: (f.timestamp_ms, f.market, f.trade_id, f.side)):
        _check_inside(f"trade {line.market}/{line.trade_id}", line.timestamp_ms, start_ms, end_ms)
        if line.status == "settled":
            settled.append(fill_figures(line, tariff=tariff, zone_id=zone_id, fee_bps=fee_bps))
        elif line.status in ("pending", "submitted"):
            unsettled.append(line)
    minted: list[MintFigures] = []
    for mint in sorted(mints, key=lambda m: (m.timestamp_ms, m.meter_id, m.signature)):
        _check_inside(f"mint {mint.signature}", mint.timestamp_ms, start_ms, end_ms)
        minted.append(mint_figures(mint, tariff=tariff))

    bought = [f for f in settled if f.line.side == "buy"]
    sold = [f for f in settled if f.line.side == "sell"]
    periods: dict[str, list[FillFigures]] = {}
    for figures in bought:
        periods.setdefault(figures.tariff_period, []).append(figures)
    savings_on_purchases = sum(f.savings for f in bought)
    gain_on_sales = sum(f.savings for f in sold)
    totals = Totals(
        energy_bought=sum(f.line.quantity for f in bought),
        energy_sold=sum(f.line.quantity for f in sold),
        energy_minted=sum(m.energy for m in minted),
        paid=sum(f.notional for f in bought),
        received_gross=sum(f.notional for f in sold),
        fees=sum(f.fee for f in sold),
        received_net=sum(f.net for f in sold),
        average_buy_price_per_kwh=_average(bought),
        average_sell_price_per_kwh=_average(sold),
        retail_value=sum(f.tariff_value for f in bought),
        savings_on_purchases=savings_on_purchases,
        feed_in_value=sum(f.tariff_value for f in sold),
        gain_on_sales=gain_on_sales,
        savings_total=savings_on_purchases + gain_on_sales,
        co2_avoided_purchases_g=sum(f.co2_avoided_g for f in bought),
        co2_avoided_generation_g=sum(m.co2_avoided_g for m in minted),
        trades_settled=len(settled),
        trades_unsettled=len(unsettled),
        mints=len(minted),
    )
    return Statement(
        user_id=user_id,
        month=month,
        utc_offset_minutes=tariff.utc_offset_minutes,
        period_start_ms=start_ms,
        period_end_ms=end_ms,
        zone_id=zone_id,
        wallets=tuple(sorted(wallets)),
        fee_bps=fee_bps,
        grid_emission_g_per_kwh=tariff.grid_emission_g_per_kwh,
        fills=tuple(settled),
        unsettled=tuple(unsettled),
        mints=tuple(minted),
        by_period=tuple(
            PeriodTotal(
                period=name,
                energy_bought=sum(f.line.quantity for f in group),
                paid=sum(f.notional for f in group),
                tariff_value=sum(f.tariff_value for f in group),
            )
            for name, group in sorted(periods.items())
        ),
        totals=totals,
    )
