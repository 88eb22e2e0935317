"""Registers count whole Wh and carry the remainder, so rounding loses nothing."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.simulator.registers import EnergyRegister


def test_fractions_accumulate_into_whole_watt_hours() -> None:
    register = EnergyRegister(1)
    for _ in range(5):
        register.add(np.array([0.4]))
    assert register.total_wh.tolist() == [2]
    assert math.isclose(register.carry_wh[0], 0.0, abs_tol=1e-9)


@given(st.lists(st.floats(min_value=0, max_value=5_000), min_size=1, max_size=200))
def test_register_is_the_floor_of_the_exact_total(energies_wh: list[float]) -> None:
    register = EnergyRegister(1)
    previous = 0
    for energy_wh in energies_wh:
        register.add(np.array([energy_wh]))
        assert int(register.total_wh[0]) >= previous
        previous = int(register.total_wh[0])
    exact = math.fsum(energies_wh)
    assert abs((register.total_wh[0] + register.carry_wh[0]) - exact) < 1e-6
    assert 0 <= register.carry_wh[0] < 1
