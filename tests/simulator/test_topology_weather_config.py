"""Grid placement, weather as a function of time, and configuration checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gridtokenx.simulator import FleetConfig, FleetConfigError, KindMix, SiteConfig, TopologyConfig
from gridtokenx.simulator.topology import KM_PER_DEG_LAT, build_topology
from gridtokenx.simulator.weather import Weather, clear_sky_index


def test_topology_nests_and_stays_near_the_centre() -> None:
    site = SiteConfig(latitude_deg=52.37, longitude_deg=4.90, radius_km=5)
    config = TopologyConfig(substations=3, feeders_per_substation=2, zones_per_feeder=5)
    grid = build_topology(site, config, 2_000, np.random.default_rng(0))
    assert grid.feeder_substation.tolist() == [0, 0, 1, 1, 2, 2]
    assert grid.zone_feeder.size == config.zone_count == 30
    assert grid.meter_zone.min() >= 0
    assert grid.meter_zone.max() < 30
    north_km = (grid.meter_lat_deg - site.latitude_deg) * KM_PER_DEG_LAT
    east_km = (
        (grid.meter_lon_deg - site.longitude_deg)
        * KM_PER_DEG_LAT
        * math.cos(math.radians(site.latitude_deg))
    )
    # Radius of substations plus a quarter, a tenth and a fortieth for the levels below.
    assert np.hypot(north_km, east_km).max() <= 5 * (1 + 1 / 4 + 1 / 10 + 1 / 40) * 1.01
    zone_distance_km = np.hypot(
        (grid.meter_lat_deg - grid.zone_lat_deg[grid.meter_zone]) * KM_PER_DEG_LAT,
        (grid.meter_lon_deg - grid.zone_lon_deg[grid.meter_zone])
        * KM_PER_DEG_LAT
        * math.cos(math.radians(site.latitude_deg)),
    )
    assert zone_distance_km.max() <= 5 / 40 * 1.01


def test_weather_depends_on_time_not_on_history() -> None:
    site = SiteConfig()
    first = Weather(site, seed=1, zone_count=8)
    second = Weather(site, seed=1, zone_count=8)
    times_s = [1.77e9 + step * 37.0 for step in range(50)]
    forward = [first.cloud_cover(t) for t in times_s]
    backward = [second.cloud_cover(t) for t in reversed(times_s)][::-1]
    np.testing.assert_array_equal(np.array(forward), np.array(backward))
    assert np.all((np.array(forward) >= 0) & (np.array(forward) <= 1))
    assert not np.array_equal(forward[0], Weather(site, seed=2, zone_count=8).cloud_cover(1.77e9))
    assert 0 < first.air_temp_c(1.77e9) < 40


def test_clear_sky_index_falls_with_cover() -> None:
    index = clear_sky_index(np.array([0.0, 0.5, 1.0]))
    assert index[0] == 1.0
    assert index[2] == pytest.approx(0.25)
    assert index[0] > index[1] > index[2]


@pytest.mark.parametrize(
    "make",
    [
        lambda: FleetConfig(meter_count=0),
        lambda: FleetConfig(meter_count=1, seed=-1),
        lambda: FleetConfig(meter_count=1, commercial_share=1.5),
        lambda: FleetConfig(meter_count=1, signing_threads=0),
        lambda: KindMix(consumer=0.5, solar_prosumer=0.6, battery_prosumer=0, ev_charger=0),
        lambda: KindMix(consumer=1.5, solar_prosumer=-0.5, battery_prosumer=0, ev_charger=0),
        lambda: SiteConfig(latitude_deg=91),
        lambda: SiteConfig(cloud_cover_mean=2),
        lambda: TopologyConfig(substations=0),
    ],
)
def test_bad_settings_are_refused(make: object) -> None:
    assert callable(make)
    with pytest.raises(FleetConfigError):
        make()
