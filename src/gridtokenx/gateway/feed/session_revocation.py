"""Closing the WebSockets of a revoked session, on every worker.

A session ends when its user ends it (``DELETE /v1/me/sessions/{id}``, sign-out), when an
operator deactivates or re-roles the account, or when a spent refresh token is presented again
(the whole family is revoked). All of these go through
:meth:`~gridtokenx.gateway.store.SessionStore.delete_session`, which publishes the session id
on :data:`~gridtokenx.gateway.store.SESSION_REVOKED_CHANNEL` in the same Redis transaction.
Each worker's :class:`~.user_events.UserEvents` follows that channel and hands every id to
:class:`Revocations`; a WebSocket connection authenticated with that session is then closed
with :data:`SESSION_REVOKED_CLOSE` (its ``user`` and ``meter`` channels end with it). The
client signs in again (or refreshes with another session's token) and reconnects.

A revocation published while a worker was not connected to Redis is not seen by it; the
connection's access token still expires within ``access_token_ttl_s``.
"""

from __future__ import annotations

import asyncio
from typing import Final, Protocol

from gridtokenx.gateway.auth_service import Principal

SESSION_REVOKED_CLOSE: Final = 4001
"""WebSocket close code: the session the connection authenticated with was revoked."""


class Authenticated(Protocol):
    @property
    def principal(self) -> Principal | None: ...


class Closable(Protocol):
    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


class Revocations:
    """Hands each revoked session id to every waiting connection of this worker."""

    def __init__(self) -> None:
        self._waiting: set[asyncio.Queue[str]] = set()

    def revoked(self, session_id: str) -> None:
        for queue in tuple(self._waiting):
            queue.put_nowait(session_id)

    async def close_when_revoked(self, websocket: Closable, session: Authenticated) -> None:
        """Return after closing ``websocket`` with :data:`SESSION_REVOKED_CLOSE` once the
        session ``session`` is authenticated with (at that moment) is revoked."""
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._waiting.add(queue)
        try:
            while True:
                session_id = await queue.get()
                principal = session.principal
                if principal is not None and principal.session_id == session_id:
                    await websocket.close(SESSION_REVOKED_CLOSE, "session revoked")
                    return
        finally:
            self._waiting.discard(queue)
