"""Sending one e-mail over SMTP with aiosmtplib (plain, STARTTLS or implicit TLS), with the
gateway's ``smtp_*`` settings: the one mail configuration of the platform, used by the gateway's
:class:`~gridtokenx.gateway.mailer.Mailer` and by the notifier."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from gridtokenx.config import GatewaySettings


class SmtpRefusedError(Exception):
    """The server refused the message for good (a 5xx answer): sending it again cannot help."""


class SmtpUnavailableError(Exception):
    """The server could not be reached or answered a transient error: try again later."""


def build_message(
    settings: GatewaySettings, *, to: str, subject: str, body: str, message_id: str | None = None
) -> EmailMessage:
    """A plain-text message from ``settings.smtp_from``; ``message_id`` (``<...@...>``) lets
    a receiver recognise a message sent twice."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    if message_id is not None:
        message["Message-ID"] = message_id
    message.set_content(body)
    return message


async def send_message(settings: GatewaySettings, message: EmailMessage) -> None:
    """Hand ``message`` to the configured server; raises :class:`SmtpRefusedError` or
    :class:`SmtpUnavailableError`."""
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            use_tls=settings.smtp_tls == "tls",
            start_tls=settings.smtp_tls == "starttls",
            username=settings.smtp_username,
            password=password,
            timeout=settings.smtp_timeout_s,
        )
    except aiosmtplib.SMTPResponseException as exc:
        where = f"{settings.smtp_host}:{settings.smtp_port}"
        if 500 <= exc.code < 600:
            raise SmtpRefusedError(f"{where} refused the message: {exc}") from exc
        raise SmtpUnavailableError(f"{where} answered {exc}") from exc
    except aiosmtplib.SMTPRecipientsRefused as exc:
        raise SmtpRefusedError(f"every recipient was refused: {exc}") from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise SmtpUnavailableError(
            f"the mail server {settings.smtp_host}:{settings.smtp_port} did not take the "
            f"message ({exc})"
        ) from exc
