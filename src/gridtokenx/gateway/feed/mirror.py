"""A gateway worker's copy of every market-data channel and of the public ``grid`` channel,
kept current by Redis pub/sub.

:class:`MarketMirror` subscribes to the feed's update pattern first, then loads every snapshot
(:mod:`~.bus`), then applies each update to its views (:mod:`~.views`): an update its view
already holds is dropped, and one that does not follow its view (a gap: a message lost while
Redis was away, or a restarted feed) makes it reload that channel's snapshot. REST reads and
WebSocket snapshots come from these views in memory, never from a query per request.

WebSocket clients are :class:`Subscriber` s of channel names: each applied update is encoded
once and handed to every subscriber of its channel, which must not block (a connection queues
it or cuts itself off as a slow consumer); a reload hands them the new snapshot instead. When
Redis is unreachable the mirror keeps serving what it has and reconnects every second.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from gridtokenx.config import MarketDataSettings, RedisSettings
from gridtokenx.gateway.feed.bus import BusKeys
from gridtokenx.gateway.feed.channels import PRIVATE_KINDS, Channel, ChannelKind
from gridtokenx.gateway.feed.errors import ChannelNameError
from gridtokenx.gateway.feed.views import Applied, ChannelView, JsonObject, new_view

_log = logging.getLogger(__name__)
_RECONNECT_S = 1.0
_CONNECT_TIMEOUT_S = 3.0
_POLL_S = 0.2
_CLOSE_S = 2.0


class Subscriber(Protocol):
    def deliver(self, text: str) -> None:
        """Queue ``text`` (a JSON message) for the client without waiting."""


def snapshot_message(channel: str, view: ChannelView) -> str:
    return json.dumps(
        {
            "type": "snapshot",
            "channel": channel,
            "sequence": view.sequence,
            "data": view.snapshot(),
        },
        separators=(",", ":"),
    )


class MarketMirror:
    def __init__(self, redis_settings: RedisSettings, settings: MarketDataSettings) -> None:
        self._settings = settings
        self._keys = BusKeys(settings.redis_prefix)
        self._redis = Redis(
            host=redis_settings.host,
            port=redis_settings.port,
            socket_connect_timeout=_CONNECT_TIMEOUT_S,
            health_check_interval=30,
        )
        self.views: dict[str, ChannelView] = {}
        self.markets: set[str] = set()
        self._subscribers: dict[str, set[Subscriber]] = {}
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.connected = asyncio.Event()
        """Set while the mirror is subscribed and its snapshots are loaded."""

    # Life cycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start following Redis; returns at once (the first load runs in the background)."""
        self._task = asyncio.create_task(self._follow(), name="market-mirror")

    async def close(self) -> None:
        self._closing = True
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), _CLOSE_S)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
        await self._redis.aclose()

    async def _follow(self) -> None:
        while not self._closing:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.psubscribe(self._keys.updates_pattern)
                    await self._load_all()
                    self.connected.set()
                    while not self._closing:
                        # get_message with a timeout rather than listen(): redis-py's listen()
                        # does not end when its task is cancelled.
                        message = await pubsub.get_message(
                            ignore_subscribe_messages=True, timeout=_POLL_S
                        )
                        if message is not None and message.get("type") == "pmessage":
                            await self._on_update(message["data"])
                    return
            except (RedisError, OSError) as exc:
                if self.connected.is_set():
                    _log.warning("market data: Redis lost (%s); serving the last state", exc)
                self.connected.clear()
                await asyncio.sleep(_RECONNECT_S)

    # Views --------------------------------------------------------------------------------------

    def view(self, channel: Channel) -> ChannelView | None:
        return self.views.get(channel.name)

    def _view_for(self, name: str) -> ChannelView:
        view = self.views.get(name)
        if view is None:
            channel = Channel.parse(name)
            view = self.views[name] = new_view(
                channel,
                recent_trades=self._settings.recent_trades,
                candles_kept=self._settings.candles_kept,
            )
            if channel.is_market:
                self.markets.add(channel.market)
        return view

    async def _load_all(self) -> None:
        members = await self._redis.smembers(self._keys.markets)
        markets = {raw if isinstance(raw, str) else raw.decode() for raw in members}
        names = [
            channel.name for market in sorted(markets) for channel in Channel.of_market(market)
        ]
        names.append(Channel(ChannelKind.GRID, "").name)
        documents = await self._redis.mget([self._keys.snapshot(name) for name in names])
        for name, raw in zip(names, documents, strict=True):
            if raw is not None:
                self._load(name, json.loads(raw))
        self.markets |= markets

    async def _reload(self, name: str) -> None:
        raw = await self._redis.get(self._keys.snapshot(name))
        if raw is not None:
            self._load(name, json.loads(raw))

    def _load(self, name: str, document: JsonObject) -> None:
        view = self._view_for(name)
        if int(document["sequence"]) == view.sequence and view.sequence:
            return
        view.load(int(document["sequence"]), document["data"])
        self._fan_out(name, snapshot_message(name, view))

    async def _on_update(self, payload: bytes | str) -> None:
        try:
            update: dict[str, Any] = json.loads(payload)
            name = str(update["channel"])
            if Channel.parse(name).kind in PRIVATE_KINDS:
                raise ValueError(f"{name} is a private channel: never on the public bus")
            view = self._view_for(name)
            applied = view.apply(int(update["previous"]), int(update["sequence"]), update["data"])
        except (ValueError, KeyError, TypeError, ChannelNameError) as exc:
            _log.warning("market data: malformed update skipped: %s", exc)
            return
        if applied is Applied.APPLIED:
            self._fan_out(name, payload if isinstance(payload, str) else payload.decode())
        elif applied is Applied.GAP:
            await self._reload(name)

    # Subscribers --------------------------------------------------------------------------------

    def subscribe(self, channel: Channel, subscriber: Subscriber) -> str:
        """Register ``subscriber`` and return the channel's snapshot message: the updates it
        receives next follow that snapshot (nothing runs in between)."""
        view = self._view_for(channel.name)
        self._subscribers.setdefault(channel.name, set()).add(subscriber)
        return snapshot_message(channel.name, view)

    def unsubscribe(self, channel: Channel, subscriber: Subscriber) -> None:
        subscribers = self._subscribers.get(channel.name)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self._subscribers[channel.name]

    def _fan_out(self, name: str, text: str) -> None:
        for subscriber in tuple(self._subscribers.get(name, ())):
            subscriber.deliver(text)
