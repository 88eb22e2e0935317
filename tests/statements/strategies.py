"""Hypothesis strategies for statements: tariffs, months and the lines of one month."""

from __future__ import annotations

from hypothesis import strategies as st

from gridtokenx.core.money import payment_for_fill, split_fee
from gridtokenx.statements import FillLine, MintLine, Month, Tariff, TouPeriod, ZoneTariff
from gridtokenx.statements.lines import FillStatus

SIGNATURE = st.text(
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", min_size=64, max_size=88
)
ADDRESS = st.text(
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", min_size=32, max_size=44
)
PRICE = st.integers(1, 10_000_000)
QUANTITY = st.integers(1, 1_000_000_000)


@st.composite
def periods(draw: st.DrawFn) -> TouPeriod:
    start = draw(st.integers(0, 1439))
    return TouPeriod(
        name=draw(st.sampled_from(["peak", "shoulder", "night"])),
        weekdays=frozenset(draw(st.sets(st.integers(1, 7), min_size=1))),
        start_minute=start,
        end_minute=draw(st.integers(start + 1, 1440)),
        price_per_kwh=draw(PRICE),
    )


@st.composite
def zone_tariffs(draw: st.DrawFn) -> ZoneTariff:
    return ZoneTariff(
        periods=tuple(draw(st.lists(periods(), max_size=3))),
        base_period="off_peak",
        base_price_per_kwh=draw(PRICE),
        feed_in_price_per_kwh=draw(PRICE),
    )


@st.composite
def tariffs(draw: st.DrawFn) -> Tariff:
    return Tariff(
        utc_offset_minutes=draw(st.integers(-14 * 60, 14 * 60)),
        default=draw(zone_tariffs()),
        zones=draw(st.dictionaries(st.integers(0, 5), zone_tariffs(), max_size=3)),
        grid_emission_g_per_kwh=draw(st.integers(0, 2_000)),
    )


MONTHS = st.builds(Month, st.integers(1971, 2100), st.integers(1, 12))


@st.composite
def fill_lines(draw: st.DrawFn, start_ms: int, end_ms: int) -> FillLine:
    statuses: list[FillStatus] = ["settled", "settled", "pending", "submitted", "rejected"]
    status = draw(st.sampled_from(statuses))
    settled = status == "settled"
    return FillLine(
        market=draw(ADDRESS),
        trade_id=draw(st.integers(1, 2**63)),
        side=draw(st.sampled_from(["buy", "sell"])),
        order=draw(ADDRESS),
        wallet=draw(ADDRESS),
        price_per_kwh=draw(PRICE),
        quantity=draw(QUANTITY),
        timestamp_ms=draw(st.integers(start_ms, end_ms - 1)),
        status=status,
        settlement_signature=draw(SIGNATURE) if settled else None,
        settled_slot=draw(st.integers(0, 2**40)) if settled else None,
        claim_signature=draw(st.none() | SIGNATURE) if settled else None,
    )


@st.composite
def mint_lines(draw: st.DrawFn, start_ms: int, end_ms: int) -> MintLine:
    return MintLine(
        meter_id=str(draw(st.uuids())),
        wallet=draw(ADDRESS),
        minted_wh=draw(st.integers(1, 10_000_000)),
        timestamp_ms=draw(st.integers(start_ms, end_ms - 1)),
        signature=draw(SIGNATURE),
    )


def chain_fee(price_per_kwh: int, quantity: int, fee_bps: int) -> int:
    """The fee the Trading program keeps back, from the core's own money maths."""
    return split_fee(payment_for_fill(price_per_kwh, quantity), fee_bps)[1]
