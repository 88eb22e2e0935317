"""The SMTP server (aiosmtpd) and its Maildir delivery.

Every message the server accepts is written to ``tmp/`` and renamed into ``new/`` (the Maildir
protocol: a reader never sees half a file) under a name that starts with the delivery time in
nanoseconds, so names sort in delivery order. The envelope is added as
``X-Mailbox-Envelope-From``/``-To`` headers, and lines end with LF as Maildir files do.
Anyone on the loopback can send; nothing is relayed. The 250 answer is given only after the
file is in ``new/``.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from gridtokenx.mailbox.errors import MailboxError

_HOSTNAME = "gridtokenx-mailbox"


class MaildirHandler:
    """aiosmtpd handler: one file per accepted message."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._counter = itertools.count()
        try:
            for folder in ("tmp", "new", "cur"):
                (directory / folder).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MailboxError(f"cannot create the Maildir {directory}: {exc}") from exc

    def deliver(self, envelope: Envelope) -> Path:
        content = envelope.original_content or b""
        if isinstance(content, str):
            content = content.encode()
        recipients = ", ".join(envelope.rcpt_tos)
        header = (
            f"X-Mailbox-Envelope-From: {envelope.mail_from}\nX-Mailbox-Envelope-To: {recipients}\n"
        ).encode()
        # Maildir files end lines with LF, not SMTP's CRLF.
        content = content.replace(b"\r\n", b"\n")
        name = f"{time.time_ns():020d}.{next(self._counter):08d}.{os.getpid()}.{_HOSTNAME}"
        staging = self.directory / "tmp" / name
        with open(staging, "wb") as file:
            file.write(header + content)
            file.flush()
            os.fsync(file.fileno())
        target = self.directory / "new" / name
        os.rename(staging, target)
        return target

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        try:
            await asyncio.to_thread(self.deliver, envelope)
        except OSError:
            return "451 Requested action aborted: the mailbox could not store the message"
        return "250 OK stored"


def start_server(directory: Path, *, host: str, port: int, max_message_bytes: int) -> Controller:
    """Start the SMTP server on ``host:port`` in a thread (aiosmtpd's controller); stop it with
    ``controller.stop()``."""
    controller = Controller(
        MaildirHandler(directory),
        hostname=host,
        port=port,
        server_hostname=_HOSTNAME,
        data_size_limit=max_message_bytes,
        ready_timeout=10.0,
    )
    try:
        controller.start()
    except (OSError, TimeoutError, RuntimeError) as exc:
        raise MailboxError(
            f"the mailbox cannot listen on {host}:{port} ({exc}); free the port or set "
            "GRIDTOKENX_MAILBOX__PORT"
        ) from exc
    return controller


def check_server(host: str, port: int, timeout_s: float = 3.0) -> None:
    """Raise OSError unless an SMTP server answers its greeting on ``host:port``."""
    with socket.create_connection((host, port), timeout=timeout_s) as connection:
        greeting = connection.recv(512)
        if not greeting.startswith(b"220"):
            raise OSError(f"{host}:{port} greeted with {greeting[:80]!r}, not an SMTP 220")
        connection.sendall(b"QUIT\r\n")
