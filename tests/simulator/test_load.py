"""Load shapes: weekdays and weekends differ, households and shops differ, noise is unbiased."""

from __future__ import annotations

import numpy as np

from gridtokenx.simulator.load import (
    COMMERCIAL_WEEKDAY,
    COMMERCIAL_WEEKEND,
    HOUSEHOLD_WEEKDAY,
    HOUSEHOLD_WEEKEND,
    LoadModel,
    profile_multiplier,
)
from tests.simulator.days import SimulatedDay


def _hourly_kwh(day: SimulatedDay) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
    """Fleet load per local hour (4 ticks of 15 minutes each)."""
    per_tick = np.array([tick.load_wh.sum() for tick in day.ticks]) / 1000
    hourly: np.ndarray[tuple[int], np.dtype[np.float64]] = per_tick.reshape(24, 4).sum(axis=1)
    return hourly


def test_household_weekday_and_weekend_shapes_differ(
    households_monday: SimulatedDay, households_saturday: SimulatedDay
) -> None:
    weekday = _hourly_kwh(households_monday)
    weekend = _hourly_kwh(households_saturday)
    # Same homes (same seed): similar daily energy, but a weekday morning rush ...
    assert 0.8 < weekday.sum() / weekend.sum() < 1.2
    assert weekday[7] > 1.2 * weekend[7]
    # ... and a fuller midday at weekends, with the evening peak on both.
    assert weekend[11:14].sum() > 1.3 * weekday[11:14].sum()
    assert int(np.argmax(weekday)) in range(18, 22)
    assert int(np.argmax(weekend)) in range(18, 22)


def test_commercial_profile_follows_business_hours() -> None:
    assert profile_multiplier(COMMERCIAL_WEEKDAY, 11.5) > 3 * profile_multiplier(
        COMMERCIAL_WEEKDAY, 2.0
    )
    assert profile_multiplier(COMMERCIAL_WEEKEND, 11.5) < 0.5 * profile_multiplier(
        COMMERCIAL_WEEKDAY, 11.5
    )
    assert profile_multiplier(HOUSEHOLD_WEEKDAY, 19.5) > profile_multiplier(HOUSEHOLD_WEEKDAY, 11)


def test_profiles_interpolate_and_wrap_at_midnight() -> None:
    assert profile_multiplier(HOUSEHOLD_WEEKEND, 3.0) == HOUSEHOLD_WEEKEND[3]
    halfway = profile_multiplier(HOUSEHOLD_WEEKEND, 23.5)
    assert halfway == (HOUSEHOLD_WEEKEND[23] + HOUSEHOLD_WEEKEND[0]) / 2


def test_noise_averages_out() -> None:
    model = LoadModel(np.zeros(20_000, dtype=np.bool_), np.random.default_rng(1))
    power = model.power_w(3.0, weekend=False, dt_s=60)
    expected = model.typical_w * HOUSEHOLD_WEEKDAY[3]
    assert abs(power.sum() / expected.sum() - 1) < 0.01
    assert np.std(power / expected) > 0.1
