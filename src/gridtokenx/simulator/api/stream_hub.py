"""Fan-out of per-tick frames to WebSocket clients without ever blocking the runner.

The runner thread hands each tick to :meth:`StreamHub.publish`, which schedules the fan-out on
the server's event loop and returns. Each client has a bounded queue; when it is full the
oldest frame is dropped (and counted), so a slow client sees fewer, fresher frames.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from gridtokenx.simulator.api.convert import stream_frame
from gridtokenx.simulator.api.models import StreamFrame
from gridtokenx.simulator.runner import TickReport


@dataclass(eq=False)
class Subscription:
    queue: asyncio.Queue[StreamFrame]
    dropped_frames: int = 0


@dataclass(eq=False)
class StreamHub:
    loop: asyncio.AbstractEventLoop
    queue_frames: int = 16
    _subscriptions: set[Subscription] = field(default_factory=set)

    def subscribe(self) -> Subscription:
        subscription = Subscription(asyncio.Queue(self.queue_frames))
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    def publish(self, report: TickReport) -> None:
        """Called by the runner thread once per tick; returns at once."""
        if not self._subscriptions or self.loop.is_closed():
            return
        frame = stream_frame(report, dropped_frames=0)
        self.loop.call_soon_threadsafe(self._fan_out, frame)

    def _fan_out(self, frame: StreamFrame) -> None:
        for subscription in list(self._subscriptions):
            if subscription.queue.full():
                subscription.queue.get_nowait()
                subscription.dropped_frames += 1
            subscription.queue.put_nowait(frame)
