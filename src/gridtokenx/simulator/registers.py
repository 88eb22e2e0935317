"""Cumulative import and export registers in whole Wh, with the sub-Wh remainder carried.

Each tick's energy is a float; the register advances by the whole watt-hours of ``carry +
energy`` and the fraction is carried to the next tick, so over any run the register equals the
floor of the exact total (to float precision): nothing is lost to rounding and nothing invented.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


class EnergyRegister:
    """One cumulative register per meter (``int64`` Wh, never decreasing)."""

    def __init__(self, size: int) -> None:
        self.total_wh = np.zeros(size, dtype=np.int64)
        self.carry_wh = np.zeros(size)

    def add(self, energy_wh: npt.NDArray[np.float64]) -> None:
        """Add each meter's energy for a tick (``energy_wh >= 0``)."""
        exact_wh = self.carry_wh + energy_wh
        whole_wh = np.floor(exact_wh)
        self.carry_wh = exact_wh - whole_wh
        self.total_wh += whole_wh.astype(np.int64)
