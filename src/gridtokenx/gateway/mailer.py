"""Sending e-mail over SMTP (aiosmtplib): plain, STARTTLS or implicit TLS, per settings.

The sending itself is :mod:`gridtokenx.notifications.smtp`, shared with the notifier; this
adapter maps its failures to the gateway's 503 ``email_delivery_failed``.
"""

from __future__ import annotations

from gridtokenx.config import GatewaySettings
from gridtokenx.gateway.errors import EmailDeliveryError
from gridtokenx.notifications.smtp import (
    SmtpRefusedError,
    SmtpUnavailableError,
    build_message,
    send_message,
)


class Mailer:
    def __init__(self, settings: GatewaySettings) -> None:
        self._settings = settings

    async def send(
        self, *, to: str, subject: str, body: str, message_id: str | None = None
    ) -> None:
        settings = self._settings
        message = build_message(settings, to=to, subject=subject, body=body, message_id=message_id)
        try:
            await send_message(settings, message)
        except (SmtpRefusedError, SmtpUnavailableError) as exc:
            raise EmailDeliveryError(
                f"the mail server {settings.smtp_host}:{settings.smtp_port} did not accept the "
                f"message ({exc}); try again later",
                {"service": "smtp"},
            ) from exc
