"""Physical sanity of a simulated day: balance, registers, device limits, plausible totals."""

from __future__ import annotations

import numpy as np

from gridtokenx.simulator import MeterKind
from tests.simulator.days import DAY_TICK_MS, SimulatedDay, day_total_wh

TOLERANCE_WH = 1e-6


def test_energy_balances_per_meter_per_tick(monday: SimulatedDay) -> None:
    for tick in monday.ticks:
        supply = tick.pv_wh + tick.import_wh + tick.battery_discharge_wh
        demand = tick.load_wh + tick.export_wh + tick.battery_charge_wh
        np.testing.assert_allclose(supply, demand, rtol=0, atol=TOLERANCE_WH)
        assert not np.any((tick.import_wh > 0) & (tick.export_wh > 0))
        assert np.all(tick.ev_wh <= tick.load_wh)


def test_registers_never_decrease_and_match_the_energy_within_one_wh(
    monday: SimulatedDay,
) -> None:
    imported = np.zeros(monday.fleet.config.meter_count)
    exported = np.zeros_like(imported)
    previous_import = previous_export = np.zeros(imported.size, dtype=np.int64)
    for tick in monday.ticks:
        imported += tick.import_wh
        exported += tick.export_wh
        assert np.all(tick.import_register_wh >= previous_import)
        assert np.all(tick.export_register_wh >= previous_export)
        # The register is the floor of the exact total: it lags by the carried fraction only.
        assert np.all(imported - tick.import_register_wh >= -TOLERANCE_WH)
        assert np.all(imported - tick.import_register_wh < 1 + TOLERANCE_WH)
        assert np.all(exported - tick.export_register_wh < 1 + TOLERANCE_WH)
        previous_import, previous_export = tick.import_register_wh, tick.export_register_wh
    assert previous_import.sum() > 0
    assert previous_export.sum() > 0


def test_devices_stay_within_their_limits(monday: SimulatedDay) -> None:
    fleet = monday.fleet
    to_wh = DAY_TICK_MS / 3_600_000
    for tick in monday.ticks:
        assert np.all(tick.pv_wh >= 0)
        assert np.all(tick.pv_wh <= fleet.pv_capacity_w * to_wh + TOLERANCE_WH)
        assert np.all(tick.ev_wh >= 0)
        assert np.all(tick.ev_wh <= fleet.ev_charger_w * to_wh + TOLERANCE_WH)
        assert np.all(tick.battery_charge_wh <= fleet.battery_power_w * to_wh + TOLERANCE_WH)
        assert np.all(tick.battery_discharge_wh <= fleet.battery_power_w * to_wh + TOLERANCE_WH)
        assert not np.any((tick.battery_charge_wh > 0) & (tick.battery_discharge_wh > 0))
        assert np.all(tick.battery_soc_wh >= fleet.battery_reserve_wh - TOLERANCE_WH)
        assert np.all(tick.battery_soc_wh <= fleet.battery_capacity_wh + TOLERANCE_WH)


def test_only_devices_that_exist_produce_energy(monday: SimulatedDay) -> None:
    kinds = monday.fleet.kinds
    pv = day_total_wh(monday, "pv_wh")
    ev = day_total_wh(monday, "ev_wh")
    charged = day_total_wh(monday, "battery_charge_wh")
    has_pv = np.isin(kinds, [MeterKind.SOLAR_PROSUMER, MeterKind.BATTERY_PROSUMER])
    assert np.all(pv[~has_pv] == 0)
    assert np.all(pv[has_pv] > 0)
    assert np.all(ev[kinds != MeterKind.EV_CHARGER] == 0)
    assert ev[kinds == MeterKind.EV_CHARGER].sum() > 0
    assert np.all(charged[kinds != MeterKind.BATTERY_PROSUMER] == 0)
    assert np.all(charged[kinds == MeterKind.BATTERY_PROSUMER] > 0)


def test_the_kind_mix_is_honoured(monday: SimulatedDay) -> None:
    counts = np.bincount(monday.fleet.kinds, minlength=4)
    # Default mix 45/35/10/10 % of 300 meters.
    assert counts.tolist() == [135, 105, 30, 30]


def test_daily_totals_are_plausible(monday: SimulatedDay) -> None:
    fleet = monday.fleet
    kinds = fleet.kinds
    households = ~fleet.commercial
    load_kwh = day_total_wh(monday, "load_wh") / 1000
    pv_kwh = day_total_wh(monday, "pv_wh") / 1000
    ev_kwh = day_total_wh(monday, "ev_wh") / 1000
    household_load = (load_kwh - ev_kwh)[households]
    # A household uses 5-20 kWh a day on average (Thai urban homes: about 10).
    assert 5 < household_load.mean() < 20
    # A sunny-to-cloudy tropical day yields 2.5-6.5 kWh per kWp.
    has_pv = fleet.pv_capacity_w > 0
    yield_kwh_per_kwp = pv_kwh[has_pv].sum() / (fleet.pv_capacity_w[has_pv].sum() / 1000)
    assert 2.5 < yield_kwh_per_kwp < 6.5
    # A home EV charges 0-40 kWh in a day (sessions of 4-25 kWh, at most two touching a day).
    ev_day = ev_kwh[kinds == MeterKind.EV_CHARGER]
    assert ev_day.max() <= 50
    assert 5 < ev_day.mean() < 30
    # Solar prosumers export over the day, battery prosumers export less of their PV.
    last = monday.ticks[-1]
    solar = (kinds == MeterKind.SOLAR_PROSUMER) & households
    battery = kinds == MeterKind.BATTERY_PROSUMER
    export_share_solar = last.export_register_wh[solar].sum() / (pv_kwh[solar].sum() * 1000)
    export_share_battery = last.export_register_wh[battery].sum() / (pv_kwh[battery].sum() * 1000)
    assert 0.2 < export_share_battery < export_share_solar < 1
