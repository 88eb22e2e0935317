"""The real local mail server (`gridtokenx mailbox serve`) on a free port, for tests that read
what the platform mailed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from gridtokenx.config import MailboxSettings, Settings
from gridtokenx.mailbox import read_messages
from gridtokenx.stack.services.mailbox import MailboxService
from tests.utils.ports import free_port
from tests.utils.service_process import launched


@dataclass(frozen=True)
class RunningMailbox:
    host: str
    port: int
    maildir: Path

    def messages(self) -> list[EmailMessage]:
        return read_messages(self.maildir)


@contextmanager
def running_mailbox(settings: Settings, state_dir: Path) -> Iterator[RunningMailbox]:
    """A mailbox process (the stack's launch command) on a free port, storing into
    ``state_dir/mailbox/Maildir``; stopped with SIGTERM afterwards."""
    mailbox = MailboxSettings(port=free_port())
    service = MailboxService(
        settings.model_copy(update={"mailbox": mailbox, "state_dir": state_dir})
    )
    with launched(service, dict(os.environ)):
        yield RunningMailbox(
            host=mailbox.host, port=mailbox.port, maildir=state_dir / "mailbox" / "Maildir"
        )
