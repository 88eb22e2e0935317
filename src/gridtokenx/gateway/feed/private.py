"""The private channels of one WebSocket connection: ``user`` and ``meter:<id>``.

Both answer a snapshot on subscribe and on resync, then updates whose ``previous`` is the
``sequence`` before them (the same rule as the public channels, :mod:`~.views`).

``user`` (:class:`UserStream`): the snapshot is built from PostgreSQL (:mod:`~.user_snapshot`)
with the sequence the user's event counter (``gtx:user-seq:<uuid>``) had just before; events
arriving while it is built are held and sent after it, those it already covers (sequence not
above the counter's value) dropped. Each event ``n`` becomes an update with ``previous`` n-1,
``kind`` and ``data`` as published (:mod:`gridtokenx.notifications.events`). A missing event (a
client that sees ``previous`` differ from what it holds) is repaired by ``resync``.

``meter:<id>`` (:class:`MeterStream`): the meter's readings from InfluxDB, the store behind
``GET /v1/meters/{id}/readings`` (ingestion writes every accepted reading there). The snapshot
holds the last ``market_data.meter_window_s`` seconds (``{"readings": [{"time_ms", "export_wh",
"import_wh"}, ...]}``, oldest first, the last registers of each bucket of ``resolution_s``); every
``market_data.meter_poll_interval_s`` the stream asks InfluxDB for newer buckets and sends them
as one update. The sequence is the newest bucket's time (unix ms). Polling InfluxDB per
subscribed connection was chosen over following the ``meter-readings`` Kafka topic: a consumer
in every worker would read every meter's readings to forward one meter's; a poll is one small
indexed query, and only for meters someone is watching.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.exceptions import RedisError

from gridtokenx.gateway.context import GatewayContext
from gridtokenx.gateway.errors import UnavailableError
from gridtokenx.gateway.feed.mirror import Subscriber
from gridtokenx.gateway.feed.user_events import UserEvents
from gridtokenx.gateway.feed.user_snapshot import user_snapshot
from gridtokenx.gateway.readings_store import plan_resolution

_log = logging.getLogger(__name__)
USER_CHANNEL = "user"


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


class UserStream:
    """The ``user`` channel of one connection (a :class:`~.user_events.UserListener`)."""

    def __init__(
        self,
        client: Subscriber,
        context: GatewayContext,
        events: UserEvents,
        user_id: uuid.UUID,
    ) -> None:
        self._client = client
        self._context = context
        self._events = events
        self.user_id = user_id
        self.sequence = 0
        self._held: list[dict[str, Any]] | None = None
        """Events received while a snapshot is being built (None: not building one)."""
        self._reload: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._events.add(self.user_id, self)
        try:
            await self.snapshot()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._events.remove(self.user_id, self)
        if self._reload is not None:
            self._reload.cancel()

    async def snapshot(self) -> None:
        """Send a new snapshot, then the events held while it was built."""
        self._held = []
        try:
            try:
                sequence = await self._events.sequence(self.user_id)
            except (RedisError, OSError) as exc:
                raise UnavailableError(
                    f"Redis is not reachable ({exc}); the user channel needs it",
                    {"service": "redis"},
                ) from exc
            data = await user_snapshot(self._context, self.user_id)
        except BaseException:
            self._held = None
            raise
        held, self._held = self._held, None
        self.sequence = sequence
        self._client.deliver(
            _json({"type": "snapshot", "channel": USER_CHANNEL, "sequence": sequence, "data": data})
        )
        for event in sorted(held, key=lambda event: int(event["sequence"])):
            self._forward(event)

    def event(self, event: dict[str, Any]) -> None:
        if self._held is not None:
            self._held.append(event)
        else:
            self._forward(event)

    def _forward(self, event: dict[str, Any]) -> None:
        sequence = int(event["sequence"])
        if sequence <= self.sequence:
            return
        self.sequence = sequence
        self._client.deliver(
            _json(
                {
                    "type": "update",
                    "channel": USER_CHANNEL,
                    "previous": sequence - 1,
                    "sequence": sequence,
                    "kind": event.get("kind"),
                    "data": event.get("data"),
                }
            )
        )

    def reload(self) -> None:
        if self._reload is None or self._reload.done():
            self._reload = asyncio.create_task(self._quiet_snapshot())

    async def _quiet_snapshot(self) -> None:
        try:
            await self.snapshot()
        except UnavailableError as exc:
            _log.warning("user channel: reload failed (%s)", exc.message)


class MeterStream:
    """The ``meter:<id>`` channel of one connection; the caller checked the access rule."""

    def __init__(self, client: Subscriber, context: GatewayContext, meter_id: uuid.UUID) -> None:
        self._client = client
        self._context = context
        self.meter_id = meter_id
        self.channel = f"meter:{meter_id}"
        settings = context.settings.market_data
        self._window_s = settings.meter_window_s
        self._poll_s = settings.meter_poll_interval_s
        self.resolution_s = plan_resolution(
            self._window_s * 1000, None, context.settings.gateway.readings_max_points
        )
        self.sequence = 0
        self._poller: asyncio.Task[None] | None = None

    async def _readings(self, start: datetime, end: datetime) -> list[dict[str, int]]:
        buckets = await self._context.energy.readings.buckets(
            self.meter_id, start, end, self.resolution_s
        )
        return [
            {"time_ms": b.start_ms, "export_wh": b.export_wh, "import_wh": b.import_wh}
            for b in sorted(buckets, key=lambda b: b.start_ms)
        ]

    async def snapshot(self) -> None:
        """Send the window's readings as a snapshot and (re)start polling after it."""
        self.close()
        now = datetime.now(UTC)
        readings = await self._readings(now - timedelta(seconds=self._window_s), now)
        self.sequence = readings[-1]["time_ms"] if readings else 0
        self._client.deliver(
            _json(
                {
                    "type": "snapshot",
                    "channel": self.channel,
                    "sequence": self.sequence,
                    "data": {"resolution_s": self.resolution_s, "readings": readings},
                }
            )
        )
        self._poller = asyncio.create_task(self._poll(), name=f"ws-{self.channel}")

    def close(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            self._poller = None

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._poll_s)
            now = datetime.now(UTC)
            start = now - timedelta(seconds=self._window_s)
            if self.sequence:
                start = max(start, datetime.fromtimestamp(self.sequence / 1000, UTC))
            try:
                readings = await self._readings(start, now + timedelta(seconds=1))
            except UnavailableError as exc:
                _log.warning("%s: poll skipped (%s)", self.channel, exc.message)
                continue
            fresh = [reading for reading in readings if reading["time_ms"] > self.sequence]
            if fresh:
                previous, self.sequence = self.sequence, fresh[-1]["time_ms"]
                self._client.deliver(
                    _json(
                        {
                            "type": "update",
                            "channel": self.channel,
                            "previous": previous,
                            "sequence": self.sequence,
                            "data": {"resolution_s": self.resolution_s, "readings": fresh},
                        }
                    )
                )
