"""The local publisher: every interval, the source's newest prices into the local price
accounts (one transaction for all feeds).

It never crashes on a bad cycle: an unreachable source or a refused transaction is logged and
counted, nothing is published, and readers see the prices age until they are flagged stale.
Only prices newer than the last one published are sent (the program refuses the others).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.chain.anchor.program_errors import ProgramFailedError
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.client.errors import ChainClientError
from gridtokenx.oracle import metrics
from gridtokenx.oracle.errors import OracleError, PriceSourceError
from gridtokenx.oracle.feeds import RECEIVER_PROGRAM_ID
from gridtokenx.oracle.local_feeds import ensure_local_price_feeds, read_local_feeds
from gridtokenx.oracle.program.instructions import UpdatePrice
from gridtokenx.oracle.sources import PriceSource

_log = logging.getLogger(__name__)


@dataclass
class CycleReport:
    published: dict[bytes, int] = field(default_factory=dict)
    """feed id → publish_time confirmed this cycle."""
    error: str | None = None


@dataclass
class Publisher:
    client: ChainClient
    authority: Keypair
    feed_ids: list[bytes]
    source: PriceSource
    shard_id: int = 0
    clock: Callable[[], float] = time.time
    addresses: dict[bytes, Pubkey] = field(default_factory=dict)
    last_published: dict[bytes, int] = field(default_factory=dict)

    async def _prepare(self) -> None:
        if self.addresses:
            return
        addresses, _ = await ensure_local_price_feeds(
            self.client, self.authority, self.feed_ids, self.shard_id
        )
        current = await read_local_feeds(self.client, self.authority.pubkey(), addresses)
        self.last_published = {
            feed_id: update.publish_time for feed_id, update in current.items() if update
        }
        self.addresses = addresses

    async def cycle(self) -> CycleReport:
        metrics.CYCLES.inc()
        try:
            await self._prepare()
            prices = await self.source.latest(self.feed_ids, int(self.clock()))
        except PriceSourceError as exc:
            metrics.SOURCE_ERRORS.inc()
            _log.warning("no prices this cycle: %s", exc)
            return CycleReport(error=str(exc))
        except (OracleError, ChainClientError, ProgramFailedError) as exc:
            metrics.CHAIN_ERRORS.inc()
            _log.warning("cannot publish: %s", exc)
            return CycleReport(error=str(exc))
        fresh = {
            feed_id: price
            for feed_id, price in prices.items()
            if feed_id in self.addresses
            and price.publish_time > self.last_published.get(feed_id, 0)
        }
        if not fresh:
            return CycleReport()
        instructions = [
            UpdatePrice(
                price.price,
                price.conf,
                price.exponent,
                price.publish_time,
                price.prev_publish_time,
                price.ema_price,
                price.ema_conf,
            ).instruction(
                RECEIVER_PROGRAM_ID,
                {"price_feed": self.addresses[feed_id], "write_authority": self.authority.pubkey()},
            )
            for feed_id, price in fresh.items()
        ]
        try:
            await self.client.send_and_confirm(instructions, [], self.authority)
        except (ChainClientError, ProgramFailedError) as exc:
            metrics.CHAIN_ERRORS.inc()
            _log.warning("price update refused or unconfirmed: %s", exc)
            # The stored publish times may have moved (e.g. another publisher): read them again.
            self.addresses = {}
            return CycleReport(error=str(exc))
        report = CycleReport()
        for feed_id, price in fresh.items():
            self.last_published[feed_id] = price.publish_time
            report.published[feed_id] = price.publish_time
            metrics.UPDATES.labels(feed_id.hex()).inc()
            metrics.LAST_PUBLISH_TIME.labels(feed_id.hex()).set(price.publish_time)
        return report

    async def run(self, stop: asyncio.Event, interval_s: float, cycles: int | None = None) -> None:
        done = 0
        while not stop.is_set() and (cycles is None or done < cycles):
            report = await self.cycle()
            done += 1
            if report.published:
                _log.info("published %d prices", len(report.published))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval_s)
