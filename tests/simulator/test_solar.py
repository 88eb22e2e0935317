"""PV follows the sun: nothing at night, a peak near solar noon, never above capacity."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gridtokenx.simulator import SiteConfig
from gridtokenx.simulator.solar import PvPanels, pv_power_w, site_sky
from tests.simulator.days import DAY_TICK_MS, MONDAY_MS, SimulatedDay


def _solar_noon_ms(longitude_deg: float, day_of_year: int, utc_midnight_ms: int) -> float:
    """Solar noon from the NOAA equation of time (independent of the SPA the simulator uses)."""
    gamma = 2 * math.pi * (day_of_year - 1) / 365
    equation_of_time_min = 229.18 * (
        0.000075
        + 0.001868 * math.cos(gamma)
        - 0.032077 * math.sin(gamma)
        - 0.014615 * math.cos(2 * gamma)
        - 0.040849 * math.sin(2 * gamma)
    )
    return utc_midnight_ms + (720 - 4 * longitude_deg - equation_of_time_min) * 60_000


def test_pv_is_zero_at_night_and_peaks_near_solar_noon(clear_monday: SimulatedDay) -> None:
    site = clear_monday.fleet.config.site
    fleet_pv = np.array([tick.pv_wh.sum() for tick in clear_monday.ticks])
    middles_ms = np.array([tick.timestamp_ms - DAY_TICK_MS // 2 for tick in clear_monday.ticks])
    for middle_ms, pv in zip(middles_ms, fleet_pv, strict=True):
        if not site_sky(site, middle_ms / 1000).sun_up:
            assert pv == 0
    local_hours = (middles_ms - MONDAY_MS) / 3_600_000
    assert np.all(fleet_pv[(local_hours < 5.5) | (local_hours > 19.5)] == 0)
    utc_midnight_ms = MONDAY_MS + 7 * 3_600_000  # 2026-03-02T00:00Z, day 61
    noon_ms = _solar_noon_ms(site.longitude_deg, 61, utc_midnight_ms)
    peak_ms = middles_ms[np.argmax(fleet_pv)]
    assert abs(peak_ms - noon_ms) <= 45 * 60_000
    # A clear day is smooth: rising all morning, falling all afternoon.
    peak = int(np.argmax(fleet_pv))
    assert np.all(np.diff(fleet_pv[:peak]) >= 0)
    assert np.all(np.diff(fleet_pv[peak:]) <= 0)


def test_clouds_lower_the_yield(clear_monday: SimulatedDay) -> None:
    overcast = SiteConfig(cloud_cover_mean=1, cloud_variability=0)
    sky = site_sky(overcast, (MONDAY_MS + 12 * 3_600_000) / 1000)
    panels = PvPanels(
        capacity_w=np.array([5_000.0]),
        tilt_deg=np.array([15.0]),
        azimuth_deg=np.array([180.0]),
        zone=np.array([0], dtype=np.int32),
    )
    clear_w = pv_power_w(panels, sky, np.array([1.0]), 30.0)
    cloudy_w = pv_power_w(panels, sky, np.array([0.25]), 30.0)
    assert 0 < cloudy_w[0] < 0.5 * clear_w[0]
    assert clear_w[0] > 0.6 * 5_000


@settings(max_examples=30, deadline=None)
@given(
    hour=st.floats(min_value=0, max_value=24, exclude_max=True),
    capacity_w=st.floats(min_value=100, max_value=100_000),
    tilt_deg=st.floats(min_value=0, max_value=90),
    azimuth_deg=st.floats(min_value=0, max_value=360),
    air_temp_c=st.floats(min_value=-20, max_value=45),
    index=st.floats(min_value=0, max_value=1.2),
)
def test_pv_never_exceeds_capacity(
    hour: float,
    capacity_w: float,
    tilt_deg: float,
    azimuth_deg: float,
    air_temp_c: float,
    index: float,
) -> None:
    # A cold, very clear (index above 1: cloud edge enhancement) high-altitude site.
    site = SiteConfig(altitude_m=3_000, linke_turbidity=1.5)
    sky = site_sky(site, (MONDAY_MS + hour * 3_600_000) / 1000)
    panels = PvPanels(
        capacity_w=np.array([capacity_w]),
        tilt_deg=np.array([tilt_deg]),
        azimuth_deg=np.array([azimuth_deg]),
        zone=np.array([0], dtype=np.int32),
    )
    power_w = pv_power_w(panels, sky, np.array([index]), air_temp_c)
    assert 0 <= power_w[0] <= capacity_w
