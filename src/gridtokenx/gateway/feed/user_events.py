"""A gateway worker's follower of the per-user events (the contract in
:mod:`gridtokenx.notifications.events`: ``gtx:user:<uuid>`` carries ``{"sequence", "kind",
"data"}``, the sequence being ``INCR gtx:user-seq:<uuid>``).

One pub/sub connection per worker subscribes to the pattern ``gtx:user:*`` and hands each event
to the local listeners of that user (the ``user`` channels of its WebSocket connections); events
of users without a listener here are dropped at once. That costs every worker every user's
events (a few per trade or mint: small next to the market channels) and saves a Redis
subscription per connection. After Redis was lost and answers again, every listener is told to
reload (:meth:`UserListener.reload`), since events published meanwhile are gone. The same
connection follows the revoked sessions (:mod:`.session_revocation`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from gridtokenx.config import RedisSettings
from gridtokenx.gateway.feed.session_revocation import Revocations
from gridtokenx.gateway.store import SESSION_REVOKED_CHANNEL
from gridtokenx.notifications.events import user_channel, user_sequence_key

_log = logging.getLogger(__name__)
_RECONNECT_S = 1.0
_POLL_S = 0.2
_CLOSE_S = 2.0
_TIMEOUT_S = 3.0
_PATTERN = user_channel(uuid.UUID(int=0)).removesuffix(str(uuid.UUID(int=0))) + "*"


class UserListener(Protocol):
    def event(self, event: dict[str, Any]) -> None:
        """One event ``{"sequence", "kind", "data"}`` of the listener's user (must not block)."""

    def reload(self) -> None:
        """Events may have been lost: send the client a new snapshot."""


class UserEvents:
    def __init__(self, settings: RedisSettings) -> None:
        self.redis = Redis(
            host=settings.host,
            port=settings.port,
            socket_connect_timeout=_TIMEOUT_S,
            socket_timeout=_TIMEOUT_S,
            # One immediate retry and no backoff (as the gateway's own client): a subscribe
            # while Redis is down answers service_unavailable at once instead of after seconds.
            retry=Retry(NoBackoff(), retries=1),
        )
        self._listeners: dict[str, set[UserListener]] = {}
        self.revocations = Revocations()
        self.close_when_revoked = self.revocations.close_when_revoked
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.connected = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._follow(), name="user-events")

    async def close(self) -> None:
        self._closing = True
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), _CLOSE_S)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
        await self.redis.aclose()

    def add(self, user_id: uuid.UUID, listener: UserListener) -> None:
        self._listeners.setdefault(user_channel(user_id), set()).add(listener)

    def remove(self, user_id: uuid.UUID, listener: UserListener) -> None:
        listeners = self._listeners.get(user_channel(user_id))
        if listeners is not None:
            listeners.discard(listener)
            if not listeners:
                del self._listeners[user_channel(user_id)]

    async def sequence(self, user_id: uuid.UUID) -> int:
        """The sequence of the user's latest event (0 before the first); raises RedisError."""
        return int(await self.redis.get(user_sequence_key(user_id)) or 0)

    async def _follow(self) -> None:
        lost = False
        while not self._closing:
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.psubscribe(_PATTERN, SESSION_REVOKED_CHANNEL)
                    self.connected.set()
                    if lost:
                        for listeners in tuple(self._listeners.values()):
                            for listener in tuple(listeners):
                                listener.reload()
                        lost = False
                    while not self._closing:
                        message = await pubsub.get_message(
                            ignore_subscribe_messages=True, timeout=_POLL_S
                        )
                        if message is not None and message.get("type") == "pmessage":
                            self._dispatch(message["channel"], message["data"])
                    return
            except (RedisError, OSError) as exc:
                if self.connected.is_set():
                    _log.warning("user events: Redis lost (%s); reconnecting", exc)
                self.connected.clear()
                lost = True
                await asyncio.sleep(_RECONNECT_S)

    def _dispatch(self, channel: bytes | str, payload: bytes | str) -> None:
        name = channel if isinstance(channel, str) else channel.decode()
        if name == SESSION_REVOKED_CHANNEL:
            self.revocations.revoked(payload if isinstance(payload, str) else payload.decode())
            return
        listeners = self._listeners.get(name)
        if not listeners:
            return
        try:
            event = json.loads(payload)
            if not isinstance(event, dict) or int(event["sequence"]) < 1:
                raise ValueError("not an event object")
        except (ValueError, KeyError, TypeError) as exc:
            _log.warning("user events: malformed event on %s skipped: %s", name, exc)
            return
        for listener in tuple(listeners):
            listener.event(event)
