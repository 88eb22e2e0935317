"""The mailbox's errors (the ``MailboxError`` branch of :mod:`gridtokenx.errors`)."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class MailboxError(GridTokenXError):
    """The local mail server cannot start: its Maildir or its port is unusable."""
