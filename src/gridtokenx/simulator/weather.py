"""Cloud cover and air temperature as pure functions of the seed and the time.

Weather does not depend on which ticks were asked before: replaying any interval gives the same
sky, whatever the tick length. Cover is value noise: a level drawn per local day (some days are
cloudier), a site level and a per-zone level drawn every 15 minutes and interpolated linearly in
between (clouds drift over the city, nearby zones differ a little). The clear-sky index follows
Kasten and Czeplak (1980): ``1 - 0.75 * cover ** 3.4``.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from gridtokenx.simulator.config import SiteConfig
from gridtokenx.simulator.streams import Stream, rng_for

SECONDS_PER_DAY = 86_400
CLOUD_STEP_S = 900
_DAY_LEVEL, _STEP_LEVEL = 0, 1
_DAY_WEIGHT, _SITE_WEIGHT, _ZONE_WEIGHT = 0.6, 0.6, 0.3
_HOTTEST_LOCAL_HOUR = 15.0


class Weather:
    """The sky and air over one site, for a fleet ``seed`` and ``zone_count`` zones."""

    def __init__(self, site: SiteConfig, seed: int, zone_count: int) -> None:
        self._site = site
        self._seed = seed
        self._zone_count = zone_count

    def cloud_cover(self, unix_s: float) -> npt.NDArray[np.float64]:
        """Cloud cover fraction (0..1) of each zone at ``unix_s``."""
        site = self._site
        if site.cloud_variability == 0:
            return np.full(self._zone_count, site.cloud_cover_mean)
        local_day = math.floor((unix_s + site.utc_offset_h * 3600) / SECONDS_PER_DAY)
        # SeedSequence takes non-negative keys; the day before 1970 in zones west of UTC wraps.
        day_key = local_day % 2**64
        day_level = rng_for(self._seed, Stream.WEATHER, _DAY_LEVEL, day_key).normal()
        step, fraction = divmod(unix_s / CLOUD_STEP_S, 1.0)
        before = self._step_levels(int(step))
        after = self._step_levels(int(step) + 1)
        levels = before + fraction * (after - before)
        noise = _DAY_WEIGHT * day_level + _SITE_WEIGHT * levels[0] + _ZONE_WEIGHT * levels[1:]
        cover: npt.NDArray[np.float64] = np.clip(
            site.cloud_cover_mean + site.cloud_variability * noise, 0.0, 1.0
        )
        return cover

    def air_temp_c(self, unix_s: float) -> float:
        """Air temperature at ``unix_s``: a daily cosine peaking at 15:00 local time."""
        site = self._site
        local_hour = ((unix_s / 3600 + site.utc_offset_h) % 24 + 24) % 24
        phase = 2 * math.pi * (local_hour - _HOTTEST_LOCAL_HOUR) / 24
        return site.mean_air_temp_c + site.daily_air_temp_swing_c / 2 * math.cos(phase)

    def _step_levels(self, step: int) -> npt.NDArray[np.float64]:
        """Site level then one level per zone for the 15-minute step ``step`` (standard normal)."""
        return rng_for(self._seed, Stream.WEATHER, _STEP_LEVEL, step).normal(
            size=self._zone_count + 1
        )


def clear_sky_index(cloud_cover: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Share of clear-sky global irradiance that reaches the ground under ``cloud_cover``."""
    index: npt.NDArray[np.float64] = 1.0 - 0.75 * cloud_cover**3.4
    return index
