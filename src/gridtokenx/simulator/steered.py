"""A fleet whose cloud settings can change during a run, reproducibly (pure).

:class:`ScheduledWeather` is the fleet's weather under a list of cloud changes in simulated time;
:class:`SteeredFleet` is a :class:`Fleet` that uses it. Replaying a run with the same changes
gives the same sky, so a restarted service rebuilds exactly the registers it had published.
"""

from __future__ import annotations

import bisect
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from gridtokenx.simulator.config import FleetConfig, SiteConfig
from gridtokenx.simulator.errors import SimulatorError
from gridtokenx.simulator.fleet import Fleet
from gridtokenx.simulator.scenario import WeatherChange
from gridtokenx.simulator.weather import Weather


class ScheduledWeather(Weather):
    """The sky of ``site`` until the first change, then of each change from its instant on."""

    def __init__(self, site: SiteConfig, seed: int, zone_count: int) -> None:
        super().__init__(site, seed, zone_count)
        self._site_config = site
        self._seed_value = seed
        self._zones = zone_count
        self._change_ms: list[int] = []
        self._skies: list[Weather] = []

    def add(self, change: WeatherChange) -> None:
        """Apply ``change`` from ``change.effective_ms``; changes must come in time order."""
        if self._change_ms and change.effective_ms < self._change_ms[-1]:
            raise SimulatorError(
                f"weather change at {change.effective_ms} ms comes before the previous one at "
                f"{self._change_ms[-1]} ms; add changes in time order"
            )
        site = replace(
            self._site_config,
            cloud_cover_mean=change.cloud_cover_mean,
            cloud_variability=change.cloud_variability,
        )
        self._change_ms.append(change.effective_ms)
        self._skies.append(Weather(site, self._seed_value, self._zones))

    def cloud_cover(self, unix_s: float) -> npt.NDArray[np.float64]:
        index = bisect.bisect_right(self._change_ms, unix_s * 1000) - 1
        if index < 0:
            return super().cloud_cover(unix_s)
        return self._skies[index].cloud_cover(unix_s)


class SteeredFleet(Fleet):
    """A fleet whose clouds follow ``weather`` changes (see :class:`ScheduledWeather`)."""

    def __init__(self, config: FleetConfig, weather: tuple[WeatherChange, ...] = ()) -> None:
        super().__init__(config)
        self.weather = ScheduledWeather(config.site, config.seed, config.topology.zone_count)
        for change in weather:
            self.weather.add(change)
        # The base class reads its sky from this attribute on every tick.
        self._weather = self.weather
