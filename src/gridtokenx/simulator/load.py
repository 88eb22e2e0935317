"""Household and commercial consumption: daily shapes for weekdays and weekends, with noise.

Shapes are hourly multipliers of a meter's typical power, interpolated linearly within the hour.
Households (modelled on a tropical city with evening air conditioning) peak in the evening, have
a sharper morning peak on weekdays and a fuller midday at weekends. Commercial sites follow
business hours on weekdays and idle at weekends. Each meter has its own typical power
(log-normal across meters) and its own noise: an AR(1) process in log space with a 30-minute
memory and 20 % spread, whose exponential has mean 1 so that noise does not bias energy.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt

HOUSEHOLD_WEEKDAY: Final = np.array(
    [0.75, 0.70, 0.65, 0.62, 0.62, 0.70, 0.95, 1.25, 1.05, 0.80, 0.70, 0.70,
     0.75, 0.72, 0.70, 0.72, 0.85, 1.10, 1.45, 1.65, 1.65, 1.45, 1.20, 0.95]
)  # fmt: skip
HOUSEHOLD_WEEKEND: Final = np.array(
    [0.80, 0.72, 0.66, 0.62, 0.60, 0.60, 0.66, 0.80, 1.00, 1.15, 1.20, 1.25,
     1.30, 1.25, 1.15, 1.10, 1.10, 1.20, 1.40, 1.50, 1.50, 1.40, 1.20, 0.95]
)  # fmt: skip
COMMERCIAL_WEEKDAY: Final = np.array(
    [0.35, 0.35, 0.35, 0.35, 0.35, 0.40, 0.60, 1.20, 1.70, 1.75, 1.75, 1.75,
     1.70, 1.75, 1.75, 1.75, 1.70, 1.50, 1.10, 0.75, 0.50, 0.40, 0.35, 0.35]
)  # fmt: skip
COMMERCIAL_WEEKEND: Final = np.array(
    [0.35, 0.35, 0.35, 0.35, 0.35, 0.35, 0.40, 0.50, 0.60, 0.65, 0.65, 0.65,
     0.65, 0.65, 0.65, 0.65, 0.60, 0.50, 0.45, 0.40, 0.35, 0.35, 0.35, 0.35]
)  # fmt: skip

HOUSEHOLD_MEDIAN_W = 450.0
COMMERCIAL_MEDIAN_W = 3_000.0
NOISE_MEMORY_S = 1_800.0
NOISE_SIGMA = 0.2


def profile_multiplier(profile: npt.NDArray[np.float64], local_hour: float) -> float:
    """The profile's value at ``local_hour``, interpolated between hours (wrapping at midnight)."""
    hour = int(local_hour) % 24
    fraction = local_hour - math.floor(local_hour)
    return float(profile[hour] + fraction * (profile[(hour + 1) % 24] - profile[hour]))


class LoadModel:
    """The consumption of a set of meters; ``commercial`` picks each meter's profile."""

    def __init__(self, commercial: npt.NDArray[np.bool_], rng: np.random.Generator) -> None:
        size = commercial.size
        median_w = np.where(commercial, COMMERCIAL_MEDIAN_W, HOUSEHOLD_MEDIAN_W)
        self.typical_w: npt.NDArray[np.float64] = median_w * rng.lognormal(0.0, 0.35, size)
        self._profile_index = commercial.astype(np.intp)
        self._log_noise = rng.normal(0.0, NOISE_SIGMA, size)
        self._rng = rng

    def power_w(self, local_hour: float, weekend: bool, dt_s: float) -> npt.NDArray[np.float64]:
        """Mean power of every meter over a tick of ``dt_s`` centred on ``local_hour``."""
        household, commercial = (
            (HOUSEHOLD_WEEKEND, COMMERCIAL_WEEKEND)
            if weekend
            else (HOUSEHOLD_WEEKDAY, COMMERCIAL_WEEKDAY)
        )
        multipliers = np.array(
            [profile_multiplier(household, local_hour), profile_multiplier(commercial, local_hour)]
        )
        keep = math.exp(-dt_s / NOISE_MEMORY_S)
        self._log_noise *= keep
        self._log_noise += self._rng.normal(
            0.0, NOISE_SIGMA * math.sqrt(1 - keep * keep), self._log_noise.size
        )
        noise = np.exp(self._log_noise - NOISE_SIGMA**2 / 2)
        power: npt.NDArray[np.float64] = self.typical_w * multipliers[self._profile_index] * noise
        return power
