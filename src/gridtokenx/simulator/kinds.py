"""The kinds of metered site the simulator models."""

from __future__ import annotations

from enum import IntEnum


class MeterKind(IntEnum):
    """What stands behind a meter; the value is stored per meter in a ``uint8`` array."""

    CONSUMER = 0
    """A site with load only: it imports."""
    SOLAR_PROSUMER = 1
    """Rooftop PV and load: it imports at night and exports surplus by day."""
    BATTERY_PROSUMER = 2
    """PV, load and a home battery run for self-consumption."""
    EV_CHARGER = 3
    """A household with a home EV charger: load plus charging sessions, no PV."""
