"""The ``grid`` channel's publisher: every ``market_data.grid_refresh_interval_s`` it reads the
per-zone flows and inter-zone trades from PostgreSQL (the queries of ``/v1/grid/zones/live``,
:class:`~gridtokenx.gateway.energy_repository.EnergyRepository`), builds the public document
(:mod:`~.grid_channel`) and writes it to Redis like the market channels (:mod:`~.bus`): the
snapshot every round (so a Redis that lost its data is refilled), and, when the document
changed, an update in the same MULTI/EXEC. The update's ``sequence`` is the computation time in
unix ms (at least the previous one + 1) and ``previous`` the last published one; a restarted
publisher starts from ``previous`` 0, which every worker sees as a gap and answers by reloading
the snapshot written with it.

It runs inside ``gridtokenx gateway feed`` (its own thread and event loop beside the Kafka
folding). PostgreSQL or Redis failures are logged and retried on the next round.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from gridtokenx.config import Settings
from gridtokenx.gateway.database import create_engine
from gridtokenx.gateway.energy_repository import EnergyRepository
from gridtokenx.gateway.errors import UnavailableError
from gridtokenx.gateway.feed.bus import BusKeys, dumps, snapshot_document
from gridtokenx.gateway.feed.channels import Channel, ChannelKind
from gridtokenx.gateway.feed.grid_channel import grid_document

_log = logging.getLogger(__name__)
GRID_CHANNEL = Channel(ChannelKind.GRID, "").name


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class GridPublisher:
    def __init__(
        self,
        repository: EnergyRepository,
        redis: Redis,
        keys: BusKeys,
        clock_ms: Callable[[], int] = _now_ms,
    ) -> None:
        self._repository = repository
        self._redis = redis
        self._keys = keys
        self._clock_ms = clock_ms
        self.sequence = 0
        """The sequence of the last published document (0: none yet)."""
        self.data: dict[str, Any] | None = None
        """The last published document (None: none yet)."""

    async def publish_once(self) -> bool:
        """One round; True when an update was published."""
        now_ms = self._clock_ms()
        repository = self._repository
        interval = await repository.latest_complete_interval(
            datetime.fromtimestamp(now_ms / 1000, UTC)
        )
        flows = [] if interval is None else await repository.zone_flows(interval)
        trades = [] if interval is None else await repository.zone_trades(interval)
        data = grid_document(interval, flows, trades)
        changed = data != self.data
        sequence = max(now_ms, self.sequence + 1) if changed else self.sequence
        pipeline = self._redis.pipeline(transaction=True)
        pipeline.set(
            self._keys.snapshot(GRID_CHANNEL), snapshot_document(GRID_CHANNEL, sequence, data)
        )
        if changed:
            update = {
                "type": "update",
                "channel": GRID_CHANNEL,
                "previous": self.sequence,
                "sequence": sequence,
                "data": data,
            }
            pipeline.publish(self._keys.updates(GRID_CHANNEL), dumps(update))
        await pipeline.execute()
        self.sequence, self.data = sequence, data
        return changed

    async def run(self, stop: threading.Event, interval_s: float) -> None:
        while not stop.is_set():
            try:
                await self.publish_once()
            except (UnavailableError, RedisError, OSError) as exc:
                _log.warning("grid channel: round skipped (%s); retrying", exc)
            await asyncio.to_thread(stop.wait, interval_s)


def run_grid_publisher(settings: Settings, stop: threading.Event) -> None:
    """Publish the grid channel until ``stop`` is set (a thread's target: own event loop)."""

    async def main() -> None:
        engine = create_engine(settings.postgres)
        redis = Redis(host=settings.redis.host, port=settings.redis.port, socket_timeout=5)
        publisher = GridPublisher(
            EnergyRepository(engine), redis, BusKeys(settings.market_data.redis_prefix)
        )
        try:
            await publisher.run(stop, settings.market_data.grid_refresh_interval_s)
        finally:
            await redis.aclose()
            await engine.dispose()

    asyncio.run(main())
