"""Grid totals per zone and feeder, commissioning limits and scenario JSON."""

from __future__ import annotations

import math

import numpy as np

from gridtokenx.simulator.config import FleetConfig, KindMix, SiteConfig, TopologyConfig
from gridtokenx.simulator.fleet import Fleet
from gridtokenx.simulator.grid import FlowTotals, GridLedger
from gridtokenx.simulator.kinds import MeterKind
from gridtokenx.simulator.limits import HOUSEHOLD_MAX_LOAD_W, meter_limits
from gridtokenx.simulator.scenario import (
    WeatherChange,
    fleet_config_from_json,
    fleet_config_to_json,
    weather_from_json,
    weather_to_json,
)
from tests.simulator.days import MONDAY_MS

INTERVAL_MS = 900_000


def _fields(totals: FlowTotals) -> np.ndarray:
    return np.array(
        [
            totals.pv_w,
            totals.load_w,
            totals.import_w,
            totals.export_w,
            totals.pv_wh,
            totals.load_wh,
            totals.import_wh,
            totals.export_wh,
        ],
        dtype=float,
    )


def test_zones_and_feeders_add_up_to_the_total_and_registers_to_the_energy() -> None:
    fleet = Fleet(FleetConfig(meter_count=40, seed=8, topology=TopologyConfig(substations=1)))
    ledger = GridLedger(fleet)
    assert ledger.status() is None
    pv_wh = 0.0
    for k in range(1, 49):  # noon of a Monday in Bangkok lies in these 12 hours
        measurement = fleet.measure(MONDAY_MS + k * INTERVAL_MS, INTERVAL_MS)
        ledger.add(measurement)
        pv_wh += float(measurement.pv_wh.sum())
    status = ledger.status()
    assert status is not None
    total = _fields(status.total)
    assert np.allclose(sum(_fields(z) for z in status.zones), total, atol=len(status.zones))
    assert np.allclose(sum(_fields(f) for f in status.feeders), total, atol=len(status.zones))
    assert status.total.import_wh == int(measurement.import_register_wh.sum())
    assert status.total.export_wh == int(measurement.export_register_wh.sum())
    assert status.total.pv_wh == round(pv_wh)
    assert status.total.pv_wh > 0
    assert math.isclose(status.total.load_w, float(measurement.load_wh.sum()) * 4)
    assert status.zone_feeder == fleet.topology.zone_feeder.tolist()


def test_limits_cover_pv_battery_ev_and_load() -> None:
    fleet = Fleet(FleetConfig(meter_count=60, seed=9, commercial_share=0))
    limits = meter_limits(fleet)
    kinds = fleet.kinds
    consumers = kinds == MeterKind.CONSUMER
    assert (limits.max_export_w[consumers] == 0).all()
    assert (limits.max_import_w[consumers] == HOUSEHOLD_MAX_LOAD_W).all()
    batteries = kinds == MeterKind.BATTERY_PROSUMER
    assert (
        limits.max_export_w[batteries]
        >= fleet.pv_capacity_w[batteries] + fleet.battery_power_w[batteries]
    ).all()
    evs = kinds == MeterKind.EV_CHARGER
    assert (limits.max_import_w[evs] >= HOUSEHOLD_MAX_LOAD_W + fleet.ev_charger_w[evs]).all()


def test_fleet_config_and_weather_round_trip_through_json() -> None:
    config = FleetConfig(
        meter_count=7,
        seed=2**64 - 1,
        mix=KindMix(consumer=0.5, solar_prosumer=0.5, battery_prosumer=0, ev_charger=0),
        site=SiteConfig(latitude_deg=-33.9, cloud_cover_mean=0.1),
        topology=TopologyConfig(substations=3),
        commercial_share=0.2,
    )
    assert fleet_config_from_json(fleet_config_to_json(config)) == config
    changes = (WeatherChange(effective_ms=5, cloud_cover_mean=0.5, cloud_variability=0.1),)
    assert weather_from_json(weather_to_json(changes)) == changes
