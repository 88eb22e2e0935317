"""Local civil time at the site from unix time and a fixed UTC offset (no daylight saving)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

MS_PER_DAY = 86_400_000
MS_PER_HOUR = 3_600_000
_THURSDAY = 3  # 1970-01-01, with Monday = 0


def local_hour(unix_ms: int, utc_offset_h: float) -> float:
    """Hour of the local day (0 <= h < 24) at ``unix_ms``."""
    local_ms = unix_ms + round(utc_offset_h * MS_PER_HOUR)
    return (local_ms % MS_PER_DAY) / MS_PER_HOUR


def is_weekend(unix_ms: int, utc_offset_h: float) -> bool:
    """Whether ``unix_ms`` falls on a local Saturday or Sunday."""
    local_ms = unix_ms + round(utc_offset_h * MS_PER_HOUR)
    return (local_ms // MS_PER_DAY + _THURSDAY) % 7 >= 5


def local_day_start_ms(
    unix_ms: npt.NDArray[np.int64], utc_offset_h: float
) -> npt.NDArray[np.int64]:
    """Unix ms of the local midnight that starts the local day of each ``unix_ms``."""
    offset_ms = round(utc_offset_h * MS_PER_HOUR)
    start: npt.NDArray[np.int64] = (unix_ms + offset_ms) // MS_PER_DAY * MS_PER_DAY - offset_ms
    return start
