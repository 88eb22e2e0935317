"""Time-of-use tariffs: the period of an instant in local time, zones, invalid periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gridtokenx.config import StatementSettings
from gridtokenx.gateway.statement_service import tariff_from_settings
from gridtokenx.statements import Tariff, TariffError, TouPeriod, ZoneTariff
from tests.statements.strategies import tariffs

THAI = tariff_from_settings(StatementSettings())


def _ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 11, 23, 9, 0), ("peak", 165_663)),  # Monday 09:00, first peak minute
        (datetime(2026, 11, 23, 8, 59), ("off_peak", 75_340)),
        (datetime(2026, 11, 23, 21, 59), ("peak", 165_663)),
        (datetime(2026, 11, 23, 22, 0), ("off_peak", 75_340)),  # the end is exclusive
        (datetime(2026, 11, 27, 12, 0), ("peak", 165_663)),  # Friday
        (datetime(2026, 11, 28, 12, 0), ("off_peak", 75_340)),  # Saturday
        (datetime(2026, 11, 29, 12, 0), ("off_peak", 75_340)),  # Sunday
    ],
)
def test_thai_default_tariff_in_bangkok_time(local: datetime, expected: tuple[str, int]) -> None:
    instant = local.replace(tzinfo=UTC) - timedelta(hours=7)
    assert THAI.retail_price(None, _ms(instant)) == expected
    assert THAI.retail_price(3, _ms(instant)) == expected  # no zone entry: the default


@given(tariffs(), st.integers(0, 2**42), st.integers(0, 6))
def test_price_is_the_first_period_that_contains_the_local_minute(
    tariff: Tariff, timestamp_ms: int, zone: int
) -> None:
    local = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(
        milliseconds=timestamp_ms, minutes=tariff.utc_offset_minutes
    )
    weekday, minute = local.isoweekday(), local.hour * 60 + local.minute
    zone_tariff = tariff.zone(zone)
    matching = [
        p
        for p in zone_tariff.periods
        if weekday in p.weekdays and p.start_minute <= minute < p.end_minute
    ]
    expected = (
        (matching[0].name, matching[0].price_per_kwh)
        if matching
        else (zone_tariff.base_period, zone_tariff.base_price_per_kwh)
    )
    assert tariff.retail_price(zone, timestamp_ms) == expected


def test_zone_tariff_overrides_the_default() -> None:
    flat = ZoneTariff(periods=(), base_period="flat", base_price_per_kwh=1, feed_in_price_per_kwh=0)
    tariff = Tariff(utc_offset_minutes=0, default=THAI.default, zones={4: flat})
    assert tariff.retail_price(4, 0) == ("flat", 1)
    assert tariff.zone(4) is flat
    assert tariff.zone(5) is THAI.default


@pytest.mark.parametrize(
    ("weekdays", "start", "end", "price"),
    [
        (frozenset(), 0, 10, 1),
        (frozenset({0}), 0, 10, 1),
        (frozenset({8}), 0, 10, 1),
        (frozenset({1}), 10, 10, 1),
        (frozenset({1}), 1320, 540, 1),  # crosses midnight: split it
        (frozenset({1}), 0, 1441, 1),
        (frozenset({1}), 0, 10, -1),
    ],
)
def test_invalid_period_is_refused(
    weekdays: frozenset[int], start: int, end: int, price: int
) -> None:
    with pytest.raises(TariffError, match="period 'x'"):
        TouPeriod(
            name="x", weekdays=weekdays, start_minute=start, end_minute=end, price_per_kwh=price
        )


@pytest.mark.parametrize(
    "period",
    [
        {"weekdays": [8]},
        {"weekdays": []},
        {"start_minute": 1320, "end_minute": 540},
        {"price_per_kwh": -1},
        {"name": "Peak Hours"},
    ],
)
def test_settings_refuse_a_period_that_cannot_work(period: dict[str, object]) -> None:
    values = {
        "name": "peak",
        "weekdays": [1],
        "start_minute": 540,
        "end_minute": 1320,
        "price_per_kwh": 1,
        **period,
    }
    with pytest.raises(ValidationError):
        StatementSettings.model_validate({"default_tariff": {"periods": [values]}})
