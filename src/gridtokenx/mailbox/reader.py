"""Reading what the local mail server stored (a Maildir), in delivery order."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from gridtokenx.config import Settings


def default_maildir(settings: Settings) -> Path:
    """``mailbox.directory`` if set, else ``<state_dir>/mailbox/Maildir``."""
    return settings.mailbox.directory or settings.state_dir / "mailbox" / "Maildir"


def read_messages(directory: Path) -> list[EmailMessage]:
    """Every message in the Maildir ``directory`` (``new`` and ``cur``), in delivery order (the
    server names each file after its delivery time); an absent folder holds none. Each message
    carries the SMTP envelope as the server received it in ``X-Mailbox-Envelope-From`` and
    ``X-Mailbox-Envelope-To``."""
    files = [
        path
        for folder in ("new", "cur")
        if (directory / folder).is_dir()
        for path in (directory / folder).iterdir()
        if path.is_file()
    ]
    messages = []
    for path in sorted(files, key=lambda path: path.name):
        parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        messages.append(parsed)
    return messages
