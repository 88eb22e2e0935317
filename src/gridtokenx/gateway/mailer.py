"""Sending e-mail over SMTP (aiosmtplib): plain, STARTTLS or implicit TLS, per settings."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from gridtokenx.config import GatewaySettings
from gridtokenx.gateway.errors import EmailDeliveryError


class Mailer:
    def __init__(self, settings: GatewaySettings) -> None:
        self._settings = settings

    async def send(self, *, to: str, subject: str, body: str) -> None:
        settings = self._settings
        message = EmailMessage()
        message["From"] = settings.smtp_from
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
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
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise EmailDeliveryError(
                f"the mail server {settings.smtp_host}:{settings.smtp_port} did not accept the "
                f"message ({exc}); try again later",
                {"service": "smtp"},
            ) from exc
