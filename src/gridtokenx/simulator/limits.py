"""The physical limits each simulated meter is commissioned with (pure).

Ingestion rejects a reading whose registers grew faster than the meter's limits allow, so the
limits must bound what an honest meter of the fleet can ever measure, with room to spare:

- export: the PV inverter's rating plus the battery's power (a battery never discharges into
  the grid in this model, so this is generous);
- import: a ceiling on the site's own load (household or commercial: far above the load model's
  typical power times its daily peak and noise) plus the EV charger and the battery power.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from gridtokenx.simulator.fleet import Fleet

HOUSEHOLD_MAX_LOAD_W: Final = 15_000
"""Over 30 times the median household's typical power: the load model never comes near it."""
COMMERCIAL_MAX_LOAD_W: Final = 100_000
"""Over 30 times the median commercial site's typical power."""


@dataclass(frozen=True, slots=True)
class MeterLimits:
    """Per-meter limits in whole W, meter ``i`` at index ``i``."""

    max_export_w: npt.NDArray[np.int64]
    max_import_w: npt.NDArray[np.int64]


def meter_limits(fleet: Fleet) -> MeterLimits:
    """The commissioning limits of every meter of ``fleet`` (rounded up to whole W)."""
    battery_w = fleet.battery_power_w
    load_w = np.where(fleet.commercial, COMMERCIAL_MAX_LOAD_W, HOUSEHOLD_MAX_LOAD_W)
    return MeterLimits(
        max_export_w=np.ceil(fleet.pv_capacity_w + battery_w).astype(np.int64),
        max_import_w=np.ceil(load_w + fleet.ev_charger_w + battery_w).astype(np.int64),
    )
