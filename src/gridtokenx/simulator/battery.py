"""Home batteries run for self-consumption: charge from PV surplus, discharge to cover load.

A battery never charges from the grid and never discharges into it. Per tick, with ``surplus =
pv - load`` on the AC side, charging takes ``min(surplus, power limit, room to the top)`` and
discharging delivers ``min(deficit, power limit, energy above the reserve)``. Losses are split
evenly between the two directions (one-way efficiency = sqrt(round-trip)), so the state of charge
rises by ``charge * eta`` and falls by ``discharge / eta``.

Guarantee: ``reserve_wh <= soc_wh <= capacity_wh`` after every tick (within float rounding), and
charge and discharge powers never exceed ``power_w``; only one of them is non-zero.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt

CAPACITIES_WH: Final = np.array([5_000.0, 10_000.0, 13_500.0])
POWERS_W: Final = np.array([2_500.0, 5_000.0, 5_000.0])
ROUND_TRIP_EFFICIENCY = 0.90
RESERVE_SHARE = 0.10
INITIAL_SOC_SHARE = 0.5


class BatteryBank:
    """The batteries of a set of meters: sizes, limits and state of charge (arrays)."""

    def __init__(self, size: int, rng: np.random.Generator) -> None:
        model = rng.integers(0, CAPACITIES_WH.size, size)
        self.capacity_wh: npt.NDArray[np.float64] = CAPACITIES_WH[model]
        self.power_w: npt.NDArray[np.float64] = POWERS_W[model]
        self.reserve_wh: npt.NDArray[np.float64] = self.capacity_wh * RESERVE_SHARE
        self.soc_wh: npt.NDArray[np.float64] = self.capacity_wh * INITIAL_SOC_SHARE
        self.one_way_efficiency = math.sqrt(ROUND_TRIP_EFFICIENCY)

    def dispatch(
        self, surplus_w: npt.NDArray[np.float64], dt_s: float
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Charge and discharge power (W, AC side, both >= 0) for a tick; updates the SoC."""
        dt_h = dt_s / 3600
        eta = self.one_way_efficiency
        room_w = np.maximum(self.capacity_wh - self.soc_wh, 0.0) / (eta * dt_h)
        available_w = np.maximum(self.soc_wh - self.reserve_wh, 0.0) * eta / dt_h
        charge_w = np.minimum(np.minimum(np.maximum(surplus_w, 0.0), self.power_w), room_w)
        discharge_w = np.minimum(np.minimum(np.maximum(-surplus_w, 0.0), self.power_w), available_w)
        self.soc_wh += (charge_w * eta - discharge_w / eta) * dt_h
        np.clip(self.soc_wh, self.reserve_wh, self.capacity_wh, out=self.soc_wh)
        return charge_w, discharge_w
