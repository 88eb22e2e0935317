"""``/v1/ws``: live market data over one WebSocket (public; no token).

Client → server (JSON text frames)::

    {"op": "subscribe", "channel": "book:<market>"}      also trades:<market>, stats:<market>,
    {"op": "unsubscribe", "channel": ...}                candles:<market>:<1m|5m|15m|1h|1d>
    {"op": "resync", "channel": ...}                     a fresh snapshot (after a gap)
    {"op": "ping"}

Server → client::

    {"type": "snapshot", "channel", "sequence", "data"}             on subscribe and resync
    {"type": "update", "channel", "previous", "sequence", "data"}   then every change
    {"type": "unsubscribed", "channel"}   {"type": "pong"}   {"type": "heartbeat", "time_ms"}
    {"type": "error", "code", "message", "channel"?}

An update follows the client's state only if its ``previous`` is the ``sequence`` the client
holds for that channel; otherwise the client missed something and sends ``resync`` (the
server also sends a new snapshot by itself when its own copy had to reload). Data formats are in
:mod:`gridtokenx.gateway.feed.views`; no message names an order, owner or wallet.

Every worker serves every channel: updates reach it through Redis pub/sub
(:class:`~..feed.mirror.MarketMirror`). Each connection has a bounded queue
(``market_data.ws_queue_messages``): a client that falls that far behind is cut off with close
code 4008 (slow consumer) instead of slowing the others. The server sends a heartbeat every
``market_data.ws_heartbeat_interval_s`` without other traffic. Error codes:
``message_invalid``, ``channel_invalid``, ``market_not_found``, ``too_many_subscriptions``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Final

from fastapi import APIRouter, WebSocket

from gridtokenx.gateway.feed.channels import Channel
from gridtokenx.gateway.feed.errors import ChannelNameError
from gridtokenx.gateway.feed.mirror import MarketMirror

SLOW_CONSUMER_CLOSE: Final = 4008
_MAX_CLIENT_MESSAGE: Final = 4096
_CLOSE_TIMEOUT_S: Final = 10.0
"""How long a slow consumer has to drain what was sent before its close frame."""

router = APIRouter(tags=["market data"])


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


class Connection:
    """One client's outbound queue; :meth:`deliver` never waits."""

    def __init__(self, queue_messages: int) -> None:
        self.queue: asyncio.Queue[str] = asyncio.Queue(queue_messages)
        self.slow = asyncio.Event()

    def deliver(self, text: str) -> None:
        if self.slow.is_set():
            return
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            self.slow.set()


async def _send(websocket: WebSocket, connection: Connection, heartbeat_s: float) -> None:
    while True:
        try:
            text = await asyncio.wait_for(connection.queue.get(), heartbeat_s)
        except TimeoutError:
            text = _json({"type": "heartbeat", "time_ms": time.time_ns() // 1_000_000})
        await websocket.send_text(text)


async def _receive(
    websocket: WebSocket,
    connection: Connection,
    mirror: MarketMirror,
    subscriptions: set[Channel],
    max_subscriptions: int,
) -> None:
    while True:
        text = await websocket.receive_text()
        reply = _handle(text, connection, mirror, subscriptions, max_subscriptions)
        if reply is not None:
            connection.deliver(reply)


def _error(code: str, message: str, channel: str | None = None) -> str:
    body: dict[str, str] = {"type": "error", "code": code, "message": message}
    if channel is not None:
        body["channel"] = channel
    return _json(body)


def _handle(
    text: str,
    connection: Connection,
    mirror: MarketMirror,
    subscriptions: set[Channel],
    max_subscriptions: int,
) -> str | None:
    if len(text) > _MAX_CLIENT_MESSAGE:
        return _error("message_invalid", f"messages are at most {_MAX_CLIENT_MESSAGE} characters")
    try:
        message = json.loads(text)
    except json.JSONDecodeError:
        return _error("message_invalid", "a message is one JSON object")
    if not isinstance(message, dict):
        return _error("message_invalid", "a message is one JSON object")
    op = message.get("op")
    if op == "ping":
        return _json({"type": "pong"})
    if op not in ("subscribe", "unsubscribe", "resync"):
        return _error("message_invalid", "op must be subscribe, unsubscribe, resync or ping")
    name = message.get("channel")
    try:
        channel = Channel.parse(name)  # type: ignore[arg-type]
    except ChannelNameError as exc:
        return _error("channel_invalid", str(exc), name if isinstance(name, str) else None)
    if op == "unsubscribe":
        mirror.unsubscribe(channel, connection)
        subscriptions.discard(channel)
        return _json({"type": "unsubscribed", "channel": channel.name})
    if channel.market not in mirror.markets:
        return _error(
            "market_not_found", f"no market {channel.market} has published data", channel.name
        )
    if channel not in subscriptions and len(subscriptions) >= max_subscriptions:
        return _error(
            "too_many_subscriptions",
            f"at most {max_subscriptions} channels per connection",
            channel.name,
        )
    subscriptions.add(channel)
    return mirror.subscribe(channel, connection)


@router.websocket("/v1/ws")
async def market_socket(websocket: WebSocket) -> None:
    mirror: MarketMirror = websocket.app.state.market_mirror
    settings = websocket.app.state.context.settings.market_data
    await websocket.accept()
    connection = Connection(settings.ws_queue_messages)
    subscriptions: set[Channel] = set()
    tasks = [
        asyncio.create_task(_send(websocket, connection, settings.ws_heartbeat_interval_s)),
        asyncio.create_task(
            _receive(websocket, connection, mirror, subscriptions, settings.ws_max_subscriptions)
        ),
        asyncio.create_task(connection.slow.wait()),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for channel in subscriptions:
            mirror.unsubscribe(channel, connection)
    # A closed socket ends the other tasks with the server's own errors: nothing to report.
    await asyncio.gather(*tasks, return_exceptions=True)
    if connection.slow.is_set():
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                websocket.close(SLOW_CONSUMER_CLOSE, "slow consumer"), _CLOSE_TIMEOUT_S
            )
