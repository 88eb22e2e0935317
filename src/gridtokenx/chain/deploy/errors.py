"""Errors of program deployment; see ``gridtokenx.errors`` for the whole tree."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class DeployError(GridTokenXError):
    """A program could not be deployed through the BPF Upgradeable Loader."""


class TransactionTooLargeError(DeployError):
    """A deploy transaction exceeds the 1,232-byte packet limit of the network."""


class DeployTransactionFailedError(DeployError):
    """The runtime rejected one of the deploy transactions."""
