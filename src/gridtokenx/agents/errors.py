"""Errors of the trading agents; see ``gridtokenx.errors`` for the whole tree."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class AgentsError(GridTokenXError):
    """The trading agents cannot run."""


class NoAgentsError(AgentsError):
    """There is no one to trade for: no stored simulator scenario, or a cap of agents that
    leaves none."""


class OrderIdExhaustedError(AgentsError):
    """An owner's highest order id is the largest u64, so no new id is above it."""
