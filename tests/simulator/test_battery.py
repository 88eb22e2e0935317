"""Battery self-consumption dispatch keeps within capacity, reserve and power limits."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.simulator.battery import BatteryBank
from tests.simulator.days import SimulatedDay

surpluses_w = st.lists(st.floats(min_value=-20_000, max_value=20_000), min_size=1, max_size=40)


@given(surpluses_w, st.sampled_from([1.0, 60.0, 900.0, 3_600.0]), st.integers(0, 2**32))
def test_soc_and_power_stay_within_limits(surplus: list[float], dt_s: float, seed: int) -> None:
    bank = BatteryBank(len(surplus), np.random.default_rng(seed))
    surplus_w = np.array(surplus)
    for _ in range(12):
        soc_before = bank.soc_wh.copy()
        charge_w, discharge_w = bank.dispatch(surplus_w, dt_s)
        assert np.all(charge_w >= 0)
        assert np.all(discharge_w >= 0)
        assert np.all(charge_w <= np.maximum(surplus_w, 0) + 1e-9)
        assert np.all(discharge_w <= np.maximum(-surplus_w, 0) + 1e-9)
        assert np.all(charge_w <= bank.power_w)
        assert np.all(discharge_w <= bank.power_w)
        assert np.all(bank.soc_wh >= bank.reserve_wh - 1e-9)
        assert np.all(bank.soc_wh <= bank.capacity_wh + 1e-9)
        # Stored energy moves by the AC energy times the one-way efficiency, losses both ways.
        eta = bank.one_way_efficiency
        expected = soc_before + (charge_w * eta - discharge_w / eta) * dt_s / 3600
        np.testing.assert_allclose(bank.soc_wh, expected, atol=1e-6)


def test_battery_fills_from_surplus_then_stops_and_empties_to_the_reserve() -> None:
    bank = BatteryBank(1, np.random.default_rng(0))
    for _ in range(48):
        bank.dispatch(np.array([3_000.0]), 900)
    assert bank.soc_wh[0] == bank.capacity_wh[0]
    charge_w, _ = bank.dispatch(np.array([3_000.0]), 900)
    assert charge_w[0] == 0
    for _ in range(48):
        bank.dispatch(np.array([-3_000.0]), 900)
    assert bank.soc_wh[0] == bank.reserve_wh[0]
    _, discharge_w = bank.dispatch(np.array([-3_000.0]), 900)
    assert discharge_w[0] == 0


def test_battery_charges_by_day_and_covers_the_evening(monday: SimulatedDay) -> None:
    charged = np.array([tick.battery_charge_wh.sum() for tick in monday.ticks]).reshape(24, 4)
    discharged = np.array([tick.battery_discharge_wh.sum() for tick in monday.ticks]).reshape(24, 4)
    assert charged[:6].sum() == 0
    assert charged[19:].sum() == 0
    assert charged[7:17].sum() > 0.95 * charged.sum()
    assert discharged[18:24].sum() > 0.3 * discharged.sum()
