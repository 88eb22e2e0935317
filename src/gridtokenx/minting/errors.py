"""Errors of the minting service (see ``gridtokenx.errors`` for the whole tree)."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class MintingError(GridTokenXError):
    """The minting service cannot do its job."""


class InvalidTransitionError(MintingError):
    """A submission's status change the ledger forbids (only pending submissions move)."""


class MeterRegistrationError(MintingError):
    """A simulated meter cannot be registered on chain: its address holds another meter."""
