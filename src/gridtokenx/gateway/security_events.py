"""Security notifications written by the gateway itself: a new sign-in, a refresh token used
twice (its session was ended), a meter's device key rotated.

:class:`SecurityEvents` is the hook :class:`~gridtokenx.gateway.auth_service.AuthService`
calls. For each event it writes an in-app notification (unless the user turned the kind off;
a ``source_key`` naming the session or transaction makes a repeat write, publish and mail
nothing), publishes a ``notification``
event on the user's Redis channel (:mod:`gridtokenx.notifications.channel`) and mails the
user's verified address when their preferences allow, in the background so that a slow mail
server never delays the request. A failure of any of these is logged and counted, never raised:
a notification must not make a sign-in fail.

Meter key rotation: the operator route that relays the Registry's ``rotate_device_key``
(:mod:`gridtokenx.gateway.meter_key_service`) calls :meth:`SecurityEvents.meter_key_rotated`
once the rotation landed and was recorded; a rotation sent to the chain some other way is not
observed (the indexer follows only the Trading program).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from redis.asyncio import Redis

from gridtokenx.errors import GridTokenXError
from gridtokenx.gateway.mailer import Mailer
from gridtokenx.gateway.notification_repository import NotificationRepository
from gridtokenx.notifications.channel import publish_user_event
from gridtokenx.notifications.core import email_body
from gridtokenx.notifications.events import NotificationKind, channel_enabled

_log = logging.getLogger(__name__)


class SecurityEvents:
    def __init__(
        self,
        repository: NotificationRepository,
        *,
        mailer: Mailer,
        redis: Redis,
        app_url: str,
    ) -> None:
        self._repository = repository
        self._mailer = mailer
        self._redis = redis
        self._app_url = app_url
        self._sending: set[asyncio.Task[None]] = set()

    async def signed_in(
        self, *, user_id: uuid.UUID, session_id: str, wallet: str, user_agent: str, at: datetime
    ) -> None:
        client = user_agent or "an unnamed client"
        await self._record(
            user_id,
            kind="new_sign_in",
            title="New sign-in",
            body=(
                f"Your account was signed in to with wallet {wallet} from {client} at "
                f"{at.isoformat(timespec='seconds')}. If this was not you, end that session "
                "under Sessions and move your funds to a wallet only you control."
            ),
            data={"session_id": session_id, "wallet": wallet, "user_agent": user_agent[:200]},
            source_key=f"gateway:new_sign_in:{session_id}",
        )

    async def refresh_token_reused(
        self, *, user_id: uuid.UUID, session_id: str, at: datetime
    ) -> None:
        await self._record(
            user_id,
            kind="refresh_token_reused",
            title="Session ended: its refresh token was used twice",
            body=(
                f"A refresh token of one of your sessions was presented again after it had been "
                f"exchanged ({at.isoformat(timespec='seconds')}), so it may have been copied. "
                "That session is ended on every device; sign in again. If this keeps happening, "
                "check the devices and browser extensions you sign in with."
            ),
            data={"session_id": session_id},
            source_key=f"gateway:refresh_token_reused:{session_id}",
        )

    async def meter_key_rotated(
        self, *, user_id: uuid.UUID, meter_id: uuid.UUID, signature: str, at: datetime
    ) -> None:
        await self._record(
            user_id,
            kind="meter_key_rotated",
            title="Meter key rotated",
            body=(
                f"The device key of your meter {meter_id} was replaced on chain "
                f"(transaction {signature}, {at.isoformat(timespec='seconds')}). Readings signed "
                "with the old key are refused from now on. If you did not ask for this, contact "
                "the grid operator."
            ),
            data={"meter_id": str(meter_id), "signature": signature},
            source_key=f"gateway:meter_key_rotated:{signature}",
        )

    async def wait_for_emails(self) -> None:
        """Wait until the e-mails started so far are sent or given up (tests, shutdown)."""
        while self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)

    async def _record(
        self,
        user_id: uuid.UUID,
        *,
        kind: NotificationKind,
        title: str,
        body: str,
        data: Mapping[str, Any],
        source_key: str,
    ) -> None:
        try:
            contact = await self._repository.contact(user_id)
            record = None
            if channel_enabled(contact.preferences, kind, "in_app"):
                record = await self._repository.insert(
                    user_id, kind=kind, title=title, body=body, data=data, source_key=source_key
                )
                if record is None:
                    return  # told before (the same session or transaction): nothing again
        except GridTokenXError as exc:
            _log.warning("%s notification for %s not written: %s", kind, user_id, exc)
            return
        if record is not None:
            event = {
                "id": record.id,
                "kind": record.kind,
                "title": record.title,
                "body": record.body,
                "created_at": record.created_at.isoformat(),
                "data": record.data,
            }
            try:
                await publish_user_event(self._redis, user_id, "notification", event)
            except GridTokenXError as exc:
                _log.warning("%s event for %s not published: %s", kind, user_id, exc)
        address = contact.verified_email
        if address is not None and channel_enabled(contact.preferences, kind, "email"):
            task = asyncio.create_task(self._mail(address, title, body, source_key))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _mail(self, to: str, title: str, body: str, source_key: str) -> None:
        try:
            await self._mailer.send(
                to=to,
                subject=f"GridTokenX: {title}",
                body=email_body(body, self._app_url),
                message_id=f"<{source_key.replace(':', '.')}@gridtokenx.local>",
            )
        except GridTokenXError as exc:
            _log.warning("security e-mail %s not sent: %s", source_key, exc)
