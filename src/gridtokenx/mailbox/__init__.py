"""The local mail server: plain SMTP on loopback that stores every message in a Maildir.

`gridtokenx mailbox serve` (stack service ``mailbox``, 127.0.0.1:8025 by default) is where the
gateway and the notifier send e-mail on a development machine: nothing is relayed, each accepted
message becomes one file in ``<state_dir>/mailbox/Maildir/new``. :func:`read_messages` reads
them back (tests, people: any Maildir-aware mail client works too).
"""

from __future__ import annotations

from gridtokenx.mailbox.reader import default_maildir, read_messages

__all__ = ["default_maildir", "read_messages"]
