"""``/v1/ws``: live market data, the public grid, and the signed-in user's private channels over
one WebSocket.

Client → server (JSON text frames)::

    {"op": "auth", "token": "<access token>"}            needed before private channels
    {"op": "subscribe", "channel": <name>}
    {"op": "unsubscribe", "channel": <name>}
    {"op": "resync", "channel": <name>}                  a fresh snapshot (after a gap)
    {"op": "ping"}

Channels: public ``book:<market>``, ``trades:<market>``, ``stats:<market>``,
``candles:<market>:<1m|5m|15m|1h|1d>`` and ``grid``; private ``user`` (the account's orders,
fills, settlements and mints) and ``meter:<meter id>`` (one meter's readings, for its owner and
operators only).

Server → client::

    {"type": "snapshot", "channel", "sequence", "data"}             on subscribe and resync
    {"type": "update", "channel", "previous", "sequence", "data"}   then every change
                                                                    (``user`` adds "kind")
    {"type": "authenticated", "role", "expires_at_ms"}
    {"type": "unsubscribed", "channel"}   {"type": "pong"}   {"type": "heartbeat", "time_ms"}
    {"type": "error", "code", "message", "channel"?}

An update follows the client's state only if its ``previous`` is the ``sequence`` the client
holds for that channel; otherwise the client missed something and sends ``resync`` (the
server also sends a new snapshot by itself when its own copy had to reload). Data formats:
market channels :mod:`~..feed.views`, ``grid`` :mod:`~..feed.grid_channel` (``{}`` at sequence
0 until the feed published it), ``user`` and ``meter:<id>`` :mod:`~..feed.private`. No public
message names an order, owner, wallet or meter.

Authentication: the access token travels in an ``auth`` message, never in the URL, and is
checked like a REST request's (signature, expiry, live session). The connection then acts as
that account until the token expires: then the server sends the error ``token_expired``, an
``unsubscribed`` for each private channel, and the client may send ``auth`` again with a fresh
token. A refused ``auth`` (``token_invalid``, ``token_expired``, ``session_revoked``) also drops
the private channels. Public channels never need a token.

Every worker serves every channel: market and grid updates reach it through Redis pub/sub
(:class:`~..feed.mirror.MarketMirror`), user events through
:class:`~..feed.user_events.UserEvents`. Each connection has a bounded queue
(``market_data.ws_queue_messages``): a client that falls that far behind is cut off with close
code 4008 (slow consumer) instead of slowing the others. The server sends a heartbeat every
``market_data.ws_heartbeat_interval_s`` without other traffic. Metrics
(:mod:`gridtokenx.gateway.metrics`): ``WS_CONNECTIONS`` (open now) and ``WS_CLOSED`` by reason
(``client``, ``slow_consumer``, ``error``, ``cancelled``: the server ended the handler, as at
shutdown). Error codes:
``message_invalid``, ``channel_invalid``, ``market_not_found``, ``too_many_subscriptions``,
``unauthenticated`` (a private channel before ``auth``), ``meter_not_found`` (no such meter, or
not the caller's: both alike), the ``auth`` codes above, and ``service_unavailable`` (PostgreSQL,
Redis or InfluxDB did not answer; ``details`` are not sent, retry later).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final

import jwt
from fastapi import APIRouter, FastAPI, WebSocket, WebSocketDisconnect

from gridtokenx.gateway.auth_service import Principal
from gridtokenx.gateway.context import GatewayContext
from gridtokenx.gateway.errors import AuthenticationError, GatewayError
from gridtokenx.gateway.feed.channels import PRIVATE_KINDS, Channel, ChannelKind
from gridtokenx.gateway.feed.errors import ChannelNameError
from gridtokenx.gateway.feed.mirror import MarketMirror
from gridtokenx.gateway.feed.private import MeterStream, UserStream
from gridtokenx.gateway.feed.user_events import UserEvents
from gridtokenx.gateway.metrics import WS_CLOSED, WS_CONNECTIONS
from gridtokenx.gateway.routes.energy import visible_meter

SLOW_CONSUMER_CLOSE: Final = 4008
_MAX_CLIENT_MESSAGE: Final = 4096
_CLOSE_TIMEOUT_S: Final = 10.0
"""How long a slow consumer has to drain what was sent before its close frame."""


@asynccontextmanager
async def _user_events_lifespan(app: FastAPI) -> AsyncIterator[None]:
    context: GatewayContext = app.state.context
    events = UserEvents(context.settings.redis)
    await events.start()
    # The ~400,000 objects of a started worker (modules, app, routes) move to the permanent
    # generation: a full collection scanned them all (~250 ms on one core) every few seconds
    # under the WebSocket fan-out's allocation rate, stalling every socket for that long.
    gc.freeze()
    app.state.user_events = events
    try:
        yield
    finally:
        await events.close()


router = APIRouter(tags=["market data"], lifespan=_user_events_lifespan)


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _error(code: str, message: str, channel: str | None = None) -> str:
    body: dict[str, str] = {"type": "error", "code": code, "message": message}
    if channel is not None:
        body["channel"] = channel
    return _json(body)


class Connection:
    """One client's outbound queue (at most ``queue_messages``); :meth:`deliver` never waits.

    A plain deque and one wake-up future rather than an :class:`asyncio.Queue`: the fan-out
    hands every update to every subscriber, so the per-message cost of the queue (its getter
    bookkeeping and one task wake-up per message) was a large part of the worker's time. The
    sender is woken once when its queue goes from empty to non-empty and then sends everything
    queued, in order.
    """

    def __init__(self, queue_messages: int) -> None:
        self.pending: deque[str] = deque()
        self.limit = queue_messages
        self.slow = asyncio.Event()
        self._wakeup: asyncio.Future[None] | None = None
        self.delivered = 0
        """Messages queued so far (the heartbeat's test for "no other traffic")."""

    def deliver(self, text: str) -> None:
        if self.slow.is_set():
            return
        if len(self.pending) >= self.limit:
            self.slow.set()
            return
        self.pending.append(text)
        self.delivered += 1
        wakeup = self._wakeup
        if wakeup is not None:
            self._wakeup = None
            if not wakeup.done():
                wakeup.set_result(None)

    async def wait(self) -> None:
        """Until a message is queued. No timeout here: a timer per wake-up (51,000 a second
        under the benchmark's load) filled the loop's timer heap with cancelled handles that
        lived long enough to trigger a full garbage collection (~250 ms) every few seconds;
        heartbeats come from :func:`_heartbeat` instead."""
        if self.pending:
            return
        wakeup = self._wakeup = asyncio.get_running_loop().create_future()
        try:
            await wakeup
        finally:
            self._wakeup = None


class Session:
    """What one connection subscribed to and who it acts for."""

    def __init__(
        self,
        connection: Connection,
        context: GatewayContext,
        mirror: MarketMirror,
        events: UserEvents,
    ) -> None:
        self.connection = connection
        self.context = context
        self.mirror = mirror
        self.events = events
        self.max_subscriptions = context.settings.market_data.ws_max_subscriptions
        self.public: set[Channel] = set()
        self.private: dict[str, UserStream | MeterStream] = {}
        self.principal: Principal | None = None
        self._expiry: asyncio.TimerHandle | None = None

    def close(self) -> None:
        for channel in self.public:
            self.mirror.unsubscribe(channel, self.connection)
        self.public.clear()
        self._drop_private(announce=False)
        if self._expiry is not None:
            self._expiry.cancel()

    def _drop_private(self, *, announce: bool) -> None:
        for name, stream in self.private.items():
            stream.close()
            if announce:
                self.connection.deliver(_json({"type": "unsubscribed", "channel": name}))
        self.private.clear()

    def _sign_out(self, code: str, message: str) -> None:
        self.principal = None
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        self.connection.deliver(_error(code, message))
        self._drop_private(announce=True)

    async def handle(self, text: str) -> str | None:
        if len(text) > _MAX_CLIENT_MESSAGE:
            return _error(
                "message_invalid", f"messages are at most {_MAX_CLIENT_MESSAGE} characters"
            )
        try:
            message = json.loads(text)
        except json.JSONDecodeError:
            return _error("message_invalid", "a message is one JSON object")
        if not isinstance(message, dict):
            return _error("message_invalid", "a message is one JSON object")
        op = message.get("op")
        if op == "ping":
            return _json({"type": "pong"})
        if op == "auth":
            return await self._auth(message.get("token"))
        if op not in ("subscribe", "unsubscribe", "resync"):
            return _error(
                "message_invalid", "op must be auth, subscribe, unsubscribe, resync or ping"
            )
        name = message.get("channel")
        try:
            channel = Channel.parse(name)  # type: ignore[arg-type]
        except ChannelNameError as exc:
            return _error("channel_invalid", str(exc), name if isinstance(name, str) else None)
        if op == "unsubscribe":
            self.mirror.unsubscribe(channel, self.connection)
            self.public.discard(channel)
            stream = self.private.pop(channel.name, None)
            if stream is not None:
                stream.close()
            return _json({"type": "unsubscribed", "channel": channel.name})
        held = channel in self.public or channel.name in self.private
        if not held and len(self.public) + len(self.private) >= self.max_subscriptions:
            return _error(
                "too_many_subscriptions",
                f"at most {self.max_subscriptions} channels per connection",
                channel.name,
            )
        try:
            if channel.kind in PRIVATE_KINDS:
                await self._subscribe_private(channel)
                return None
        except GatewayError as exc:
            return _error(exc.code, exc.message, channel.name)
        if channel.is_market and channel.market not in self.mirror.markets:
            return _error(
                "market_not_found", f"no market {channel.market} has published data", channel.name
            )
        self.public.add(channel)
        return self.mirror.subscribe(channel, self.connection)

    async def _auth(self, token: object) -> str | None:
        if not isinstance(token, str) or not token:
            return _error("message_invalid", 'auth needs {"op": "auth", "token": "<access token>"}')
        try:
            principal = await self.context.auth.authenticate(token)
        except AuthenticationError as exc:
            self._sign_out(exc.code, exc.message)
            return None
        except GatewayError as exc:
            return _error(exc.code, exc.message)
        if self.principal is not None and self.principal.user_id != principal.user_id:
            self._drop_private(announce=True)  # another account: its channels are not this one's
        self.principal = principal
        # authenticate() verified the signature; only the expiry is read here.
        expires_at_s = int(jwt.decode(token, options={"verify_signature": False})["exp"])
        if self._expiry is not None:
            self._expiry.cancel()
        self._expiry = asyncio.get_running_loop().call_later(
            max(0.0, expires_at_s - time.time()),
            self._sign_out,
            "token_expired",
            'the access token expired: send {"op": "auth"} with a fresh one',
        )
        return _json(
            {
                "type": "authenticated",
                "role": principal.role,
                "expires_at_ms": expires_at_s * 1000,
            }
        )

    async def _subscribe_private(self, channel: Channel) -> None:
        if self.principal is None:
            raise AuthenticationError(
                f'{channel.name} is private: send {{"op": "auth", "token": ...}} first'
            )
        existing = self.private.get(channel.name)
        if existing is not None:
            await existing.snapshot()
            return
        if channel.kind is ChannelKind.USER:
            user = UserStream(self.connection, self.context, self.events, self.principal.user_id)
            await user.start()
            self.private[channel.name] = user
            return
        meter_id = uuid.UUID(channel.market)
        await visible_meter(self.context, self.principal, meter_id)
        meter = MeterStream(self.connection, self.context, meter_id)
        await meter.snapshot()
        self.private[channel.name] = meter


async def _send(websocket: WebSocket, connection: Connection) -> None:
    pending = connection.pending
    # The route's ASGI send itself: WebSocket.send_text/send add two frames and a state check
    # per message, and the state is settled (accepted; this task is cancelled before close).
    send = websocket._send
    while True:
        await connection.wait()
        while pending:
            await send({"type": "websocket.send", "text": pending.popleft()})


async def _heartbeat(connection: Connection, heartbeat_s: float) -> None:
    """A heartbeat after every ``heartbeat_s`` in which nothing else was queued."""
    while True:
        seen = connection.delivered
        await asyncio.sleep(heartbeat_s)
        if connection.delivered == seen:
            connection.deliver(_json({"type": "heartbeat", "time_ms": time.time_ns() // 1_000_000}))


async def _receive(websocket: WebSocket, session: Session) -> None:
    while True:
        text = await websocket.receive_text()
        reply = await session.handle(text)
        if reply is not None:
            session.connection.deliver(reply)


def _close_reason(connection: Connection, receiver: asyncio.Task[None]) -> str:
    if connection.slow.is_set():
        return "slow_consumer"
    if (
        receiver.done()
        and not receiver.cancelled()
        and isinstance(receiver.exception(), WebSocketDisconnect)
    ):
        return "client"
    return "error"


@router.websocket("/v1/ws")
async def market_socket(websocket: WebSocket) -> None:
    context: GatewayContext = websocket.app.state.context
    settings = context.settings.market_data
    await websocket.accept()
    WS_CONNECTIONS.inc()
    connection = Connection(settings.ws_queue_messages)
    session = Session(
        connection, context, websocket.app.state.market_mirror, websocket.app.state.user_events
    )
    receiver = asyncio.create_task(_receive(websocket, session))
    tasks = [
        asyncio.create_task(_send(websocket, connection)),
        asyncio.create_task(_heartbeat(connection, settings.ws_heartbeat_interval_s)),
        receiver,
        asyncio.create_task(connection.slow.wait()),
        # Closed with 4001 once its session is revoked (gateway.feed.session_revocation).
        asyncio.create_task(websocket.app.state.user_events.close_when_revoked(websocket, session)),
    ]
    reason = "cancelled"  # the server ended the handler (shutdown) before it saw why
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        reason = _close_reason(connection, receiver)
    finally:
        for task in tasks:
            task.cancel()
        session.close()
        WS_CONNECTIONS.dec()
        WS_CLOSED.labels(reason).inc()
    # asyncio.wait, not gather: a gather cancelled by the server (Starlette's test client
    # cancels the handler as soon as the client closed) leaks a CancelledError to the caller.
    await asyncio.wait(tasks)
    for task in tasks:
        # A closed socket ends the other tasks with the server's own errors: nothing to report.
        if not task.cancelled():
            task.exception()
    if connection.slow.is_set():
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                websocket.close(SLOW_CONSUMER_CLOSE, "slow consumer"), _CLOSE_TIMEOUT_S
            )
