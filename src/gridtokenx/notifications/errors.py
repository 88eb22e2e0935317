"""The notifier's errors (the ``NotifierError`` branch of :mod:`gridtokenx.errors`)."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class NotifierError(GridTokenXError):
    """The notifier could not do its work; its cursor is unchanged, so it carries on later."""


class NotifierStoreError(NotifierError):
    """PostgreSQL did not answer the notifier (retried from the cursor)."""


class UserChannelError(NotifierError):
    """Redis did not take a per-user event (the outbox row stays unpublished and is retried)."""
