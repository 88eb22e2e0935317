"""The stream hub drops a slow client's oldest frames and never blocks the publisher."""

from __future__ import annotations

import asyncio

from gridtokenx.simulator.api.stream_hub import StreamHub
from gridtokenx.simulator.config import FleetConfig
from gridtokenx.simulator.fleet import Fleet
from gridtokenx.simulator.grid import GridLedger
from gridtokenx.simulator.runner import TickReport
from gridtokenx.simulator.views import meter_views

START_MS = 1_790_000_040_000


def _reports(count: int) -> list[TickReport]:
    fleet = Fleet(FleetConfig(meter_count=3, seed=4))
    ledger = GridLedger(fleet)
    reports = []
    for k in range(1, count + 1):
        readings = fleet.tick(START_MS + k * 60_000, 60_000)
        ledger.add(readings)
        status = ledger.status()
        assert status is not None
        reports.append(
            TickReport(
                readings=readings, records=[], grid=status, meters=meter_views(fleet, ledger, {})
            )
        )
    return reports


def test_a_full_queue_keeps_the_newest_frames_and_counts_the_dropped() -> None:
    async def scenario() -> tuple[list[int], int, int]:
        hub = StreamHub(asyncio.get_running_loop(), queue_frames=2)
        slow, idle = hub.subscribe(), hub.subscribe()
        hub.unsubscribe(idle)
        for report in _reports(5):
            hub.publish(report)  # returns at once, whatever the clients do
        await asyncio.sleep(0)
        stamps = [slow.queue.get_nowait().timestamp_ms for _ in range(slow.queue.qsize())]
        return stamps, slow.dropped_frames, idle.queue.qsize()

    stamps, dropped, idle_frames = asyncio.run(scenario())
    assert stamps == [START_MS + 4 * 60_000, START_MS + 5 * 60_000]
    assert dropped == 3
    assert idle_frames == 0
