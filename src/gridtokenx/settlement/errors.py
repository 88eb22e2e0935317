"""Errors of the settlement service (see ``gridtokenx.errors`` for the whole tree)."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class SettlementError(GridTokenXError):
    """The settlement service cannot do its job."""


class InvalidTransitionError(SettlementError):
    """A trade or batch status change the rules forbid (e.g. settling a rejected trade)."""


class SettlementStoreError(SettlementError):
    """PostgreSQL did not answer a read or write of the settlement ledger (retried)."""


class SettlementKeyError(SettlementError):
    """The matcher key does not match the market's matcher, or a keypair file is unusable."""


def settlement_store_unavailable(detail: str) -> SettlementStoreError:
    return SettlementStoreError(
        f"PostgreSQL unavailable for the settlement ledger: {detail}; "
        "check `gridtokenx stack status` (the service retries)"
    )
