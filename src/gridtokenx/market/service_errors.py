"""Errors of the matching service (`gridtokenx market match`); see ``gridtokenx.errors``."""

from __future__ import annotations

from gridtokenx.market.errors import MarketError


class MatcherError(MarketError):
    """The matching service cannot go on; restart it and it recovers from its last snapshot."""


class SnapshotStoreError(MatcherError):
    """PostgreSQL did not answer a snapshot read or write."""


class MatcherTransactionError(MatcherError):
    """A Kafka transaction failed (broker down, or this process was fenced by a newer one with
    the same ``market.instance_id``); nothing of it was published and the process stops so that
    a restart rebuilds its markets from the last committed state."""
