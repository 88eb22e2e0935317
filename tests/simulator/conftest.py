from __future__ import annotations

import pytest

from gridtokenx.simulator import FleetConfig, KindMix, SiteConfig
from tests.simulator.days import MONDAY_MS, SATURDAY_MS, SimulatedDay, simulate_day


@pytest.fixture(scope="session")
def monday() -> SimulatedDay:
    """A 300-meter fleet of the default mix and weather over a Monday."""
    return simulate_day(FleetConfig(meter_count=300, seed=11), MONDAY_MS)


@pytest.fixture(scope="session")
def clear_monday() -> SimulatedDay:
    """A solar-only fleet under a cloudless sky over a Monday."""
    config = FleetConfig(
        meter_count=100,
        seed=12,
        mix=KindMix(consumer=0, solar_prosumer=1, battery_prosumer=0, ev_charger=0),
        site=SiteConfig(cloud_cover_mean=0, cloud_variability=0),
    )
    return simulate_day(config, MONDAY_MS)


def _households(seed: int) -> FleetConfig:
    return FleetConfig(
        meter_count=150,
        seed=seed,
        mix=KindMix(consumer=1, solar_prosumer=0, battery_prosumer=0, ev_charger=0),
        commercial_share=0,
    )


@pytest.fixture(scope="session")
def households_monday() -> SimulatedDay:
    return simulate_day(_households(13), MONDAY_MS)


@pytest.fixture(scope="session")
def households_saturday() -> SimulatedDay:
    return simulate_day(_households(13), SATURDAY_MS)
