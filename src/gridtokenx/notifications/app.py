"""The notifier process: its PostgreSQL store, Redis client and loop, until stopped."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from gridtokenx.config import Settings
from gridtokenx.notifications.service import Notifier, PassCounts
from gridtokenx.notifications.store import NotifierStore

_REDIS_TIMEOUT_S = 5.0


async def serve(
    settings: Settings, stop: asyncio.Event, *, exit_when_idle: int | None = None
) -> PassCounts:
    """Run the notifier on ``settings`` until ``stop`` is set (or it was idle
    ``exit_when_idle`` passes in a row); answers what it did."""
    store = NotifierStore(settings.postgres.url)
    redis = Redis(
        host=settings.redis.host,
        port=settings.redis.port,
        socket_timeout=_REDIS_TIMEOUT_S,
        socket_connect_timeout=_REDIS_TIMEOUT_S,
    )
    notifier = Notifier(settings.notifier, settings.gateway, store=store, redis=redis)
    try:
        return await notifier.run(stop, exit_when_idle=exit_when_idle)
    finally:
        await redis.aclose()
        await store.close()
