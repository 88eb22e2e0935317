"""Errors of the chain indexer; see ``gridtokenx.errors`` for the whole tree."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class IndexerError(GridTokenXError):
    """The indexer stopped: its cursor is unchanged, so a restart carries on where it was."""


class TransactionDecodeError(IndexerError):
    """A ``getTransaction`` document (or one of its Trading instructions) is not what the
    Trading program's layouts describe."""


class MirrorUnavailableError(IndexerError):
    """PostgreSQL did not answer a mirror or cursor read or write (retried)."""


class CommandPublishError(IndexerError):
    """A batch's Kafka transaction failed (nothing of it visible); the cursor was not advanced."""
