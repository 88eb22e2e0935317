"""Home EV charging: one session a day per charger, charged at full power until done.

Each local day a car arrives in the evening (about 18:30, sd 1.5 h, between 15:00 and 23:00)
and leaves the next morning (about 07:30, sd 1 h, between 05:00 and 10:00). On 80 % of days it
needs 4-25 kWh (uniform), on the others nothing. While plugged in and not full the charger draws
its rated power (3.7, 7.4 or 11 kW); the last tick of a session draws only what is left. A car
that leaves before it is full leaves with less.

Departure and the next arrival are at least five hours apart, so a tick of at most an hour meets
at most one session boundary. Guarantee: ``0 <= ev_w <= charger_w`` over every tick.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from gridtokenx.simulator.localtime import MS_PER_DAY, MS_PER_HOUR, local_day_start_ms

CHARGER_POWERS_W: Final = np.array([3_700.0, 7_400.0, 11_000.0])
ARRIVAL_HOUR_MEAN, ARRIVAL_HOUR_SD, ARRIVAL_HOUR_RANGE = 18.5, 1.5, (15.0, 23.0)
DEPARTURE_HOUR_MEAN, DEPARTURE_HOUR_SD, DEPARTURE_HOUR_RANGE = 7.5, 1.0, (5.0, 10.0)
DRIVING_DAY_SHARE = 0.8
SESSION_ENERGY_WH_RANGE = (4_000.0, 25_000.0)


class EvChargers:
    """The chargers of a set of meters and the state of their current sessions (arrays)."""

    def __init__(self, size: int, utc_offset_h: float, rng: np.random.Generator) -> None:
        self.charger_w: npt.NDArray[np.float64] = CHARGER_POWERS_W[
            rng.integers(0, CHARGER_POWERS_W.size, size)
        ]
        self._utc_offset_h = utc_offset_h
        self._rng = rng
        self.arrival_ms = np.zeros(size, dtype=np.int64)
        self.departure_ms = np.zeros(size, dtype=np.int64)
        self.needed_wh = np.zeros(size)
        self._started = False

    def power_w(self, start_ms: int, end_ms: int) -> npt.NDArray[np.float64]:
        """Mean charging power of every charger over ``[start_ms, end_ms)``."""
        if not self._started:
            self._start_sessions(start_ms)
        overlap_ms = np.clip(
            np.minimum(self.departure_ms, end_ms) - np.maximum(self.arrival_ms, start_ms),
            0,
            None,
        )
        energy_wh = np.minimum(self.charger_w * overlap_ms / MS_PER_HOUR, self.needed_wh)
        self.needed_wh -= energy_wh
        left = np.flatnonzero(self.departure_ms <= end_ms)
        if left.size:
            day_start = local_day_start_ms(self.departure_ms[left], self._utc_offset_h)
            self._draw_sessions(left, day_start)
        power: npt.NDArray[np.float64] = energy_wh * MS_PER_HOUR / (end_ms - start_ms)
        return power

    def _start_sessions(self, start_ms: int) -> None:
        """Sessions of the day before ``start_ms``, or of its own day for cars already gone."""
        every = np.arange(self.charger_w.size)
        today = local_day_start_ms(
            np.full(every.size, start_ms, dtype=np.int64), self._utc_offset_h
        )
        self._draw_sessions(every, today - MS_PER_DAY)
        gone = np.flatnonzero(self.departure_ms <= start_ms)
        self._draw_sessions(gone, today[gone])
        self._started = True

    def _draw_sessions(
        self, chargers: npt.NDArray[np.intp], day_start_ms: npt.NDArray[np.int64]
    ) -> None:
        """New sessions for ``chargers``, arriving on the local days beginning ``day_start_ms``."""
        rng = self._rng
        size = chargers.size
        arrival_h = np.clip(
            rng.normal(ARRIVAL_HOUR_MEAN, ARRIVAL_HOUR_SD, size), *ARRIVAL_HOUR_RANGE
        )
        departure_h = np.clip(
            rng.normal(DEPARTURE_HOUR_MEAN, DEPARTURE_HOUR_SD, size), *DEPARTURE_HOUR_RANGE
        )
        drives = rng.random(size) < DRIVING_DAY_SHARE
        self.arrival_ms[chargers] = day_start_ms + (arrival_h * MS_PER_HOUR).astype(np.int64)
        self.departure_ms[chargers] = (
            day_start_ms + MS_PER_DAY + (departure_h * MS_PER_HOUR).astype(np.int64)
        )
        self.needed_wh[chargers] = np.where(
            drives, rng.uniform(*SESSION_ENERGY_WH_RANGE, size), 0.0
        )
