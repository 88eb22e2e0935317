"""Errors of the matching core; see ``gridtokenx.errors`` for the whole tree.

Only programming and data errors raise: a bad :class:`~gridtokenx.market.config.MarketConfig`
or a snapshot that is not one the engine wrote. A bad *command* never raises; the engine answers
it with a :class:`~gridtokenx.market.events.CommandRejected` event instead.
"""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class MarketError(GridTokenXError):
    """The matching core was used wrongly."""


class MarketConfigError(MarketError):
    """A market configuration value is out of range or of the wrong type."""


class SnapshotError(MarketError):
    """A snapshot is malformed, of another version, or inconsistent (e.g. a duplicate order id)."""
