"""The local mail server (`gridtokenx mailbox serve`): SMTP on 127.0.0.1:8025 into a Maildir.

The gateway (e-mail verification, security notices) and the notifier send to it by default
(``gateway.smtp_port`` is 8025). Health is a real SMTP greeting (220) on its port.
"""

from __future__ import annotations

import sys

from gridtokenx.mailbox.reader import default_maildir
from gridtokenx.mailbox.server import check_server
from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.process import LaunchSpec
from gridtokenx.stack.services.base import Service, ServicePort


class MailboxService(Service):
    name = "mailbox"
    version = "1"
    """The version of its storage layout (one Maildir file per message, envelope headers)."""

    def ports(self) -> list[ServicePort]:
        mailbox = self.settings.mailbox
        return [ServicePort("smtp", mailbox.host, mailbox.port, "GRIDTOKENX_MAILBOX__PORT")]

    def urls(self) -> list[tuple[str, str]]:
        return [("mail sent by the platform (Maildir)", str(default_maildir(self.settings)))]

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)

    def launch_spec(self) -> LaunchSpec:
        settings = self.settings
        mailbox = settings.mailbox
        env = {
            "GRIDTOKENX_STATE_DIR": str(settings.state_dir),
            "GRIDTOKENX_MAILBOX__HOST": mailbox.host,
            "GRIDTOKENX_MAILBOX__PORT": str(mailbox.port),
            "GRIDTOKENX_MAILBOX__MAX_MESSAGE_BYTES": str(mailbox.max_message_bytes),
        }
        if mailbox.directory is not None:
            env["GRIDTOKENX_MAILBOX__DIRECTORY"] = str(mailbox.directory)
        return LaunchSpec(
            argv=(sys.executable, "-m", "gridtokenx", "mailbox", "serve"),
            cwd=self.home,
            env={**self._base_env(), **env},
        )

    def check_health(self) -> None:
        mailbox = self.settings.mailbox
        try:
            check_server(mailbox.host, mailbox.port)
        except OSError as exc:
            raise HealthCheckFailed(f"mailbox: {exc}") from exc
