"""Errors of the smart-meter simulator; see ``gridtokenx.errors`` for the whole tree."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class SimulatorError(GridTokenXError):
    """The simulator was configured or driven in a way it cannot honour."""


class FleetConfigError(SimulatorError):
    """A fleet, site, topology or clock setting is out of range or inconsistent."""


class TickError(SimulatorError):
    """A tick that does not follow the previous one or whose interval is out of range."""
