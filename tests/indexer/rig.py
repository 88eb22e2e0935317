"""An indexer over a private bootstrapped chain, with the private matcher's scratch topics and
database (tests/market/service/private_market.py)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from solders.pubkey import Pubkey

from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.client.rpc import SolanaRpc
from gridtokenx.config import IndexerSettings, Settings
from gridtokenx.indexer.app import serve
from gridtokenx.indexer.chain import IndexerChain
from gridtokenx.indexer.mirror import OrderRow
from gridtokenx.indexer.repository import Cursor, OrderMirror
from gridtokenx.indexer.service import IndexerCounters
from gridtokenx.market.service import MatchingService
from gridtokenx.market.wire import OrderCommand, decode_command
from tests.chain.local_chain import LocalChain
from tests.indexer.traders import Desk
from tests.market.service.private_market import PARTITIONS, PrivateMarket, private_market

T = TypeVar("T")


@dataclass
class Rig:
    settings: Settings
    market: PrivateMarket
    chain: LocalChain

    @property
    def program(self) -> Pubkey:
        return self.chain.addresses.trading_program

    def environment(self) -> dict[str, str]:
        """Environment for a `gridtokenx indexer run` process on this rig (with the stack's
        launch variables on top)."""
        indexer = self.settings.indexer
        return {
            **os.environ,
            **self.market.environment(),
            "GRIDTOKENX_INDEXER__INSTANCE_ID": indexer.instance_id,
            "GRIDTOKENX_INDEXER__POLL_INTERVAL_MS": str(indexer.poll_interval_ms),
        }

    def match(self, commands: int) -> tuple[int, Counter[str]]:
        """Run the real matcher on the topic until it has applied ``commands`` commands (it may
        stop idle while Kafka is still serving the first fetch); the count and its refusals."""
        applied, refused = 0, Counter[str]()
        for _ in range(50):
            store = self.market.store()
            try:
                counters = MatchingService(self.settings, store).run(max_idle_polls=5)
            finally:
                store.close()
            applied += counters.commands
            refused += counters.rejected
            if applied >= commands:
                break
        return applied, refused

    def mirror(self) -> OrderMirror:
        return OrderMirror(self.settings.postgres.url, str(self.program))

    def index(self, **settings: object) -> IndexerCounters:
        """Run an indexer process's loop until two passes in a row find nothing new."""
        indexer = self.settings.indexer.model_copy(update=settings)

        async def run() -> IndexerCounters:
            return await serve(
                self.settings.model_copy(update={"indexer": indexer}),
                asyncio.Event(),
                max_idle_passes=2,
            )

        return asyncio.run(run())

    def commands(self) -> list[OrderCommand]:
        records = self.market.read_committed(self.settings.market.commands_topic, PARTITIONS)
        market = str(self.chain.addresses.market).encode()
        assert all(record.key() == market for record in records)
        ordered = sorted(records, key=lambda r: (r.partition() or 0, r.offset() or 0))
        return [decode_command(r.key(), r.value()) for r in ordered]

    def rows(self) -> dict[str, OrderRow]:
        mirror = self.mirror()
        try:
            return {row.order: row for row in mirror.all_rows()}
        finally:
            mirror.close()

    def start_at_head(self) -> None:
        """Seed the cursor at the program's newest transaction (earlier tests' are history)."""

        async def head() -> Cursor | None:
            rpc = SolanaRpc(
                self.settings.chain.client_rpc_url, timeout_s=10, commitment="finalized"
            )
            try:
                found = await IndexerChain(rpc, "finalized").signatures_since(
                    self.program, None, 1000
                )
            finally:
                await rpc.aclose()
            return None if not found else Cursor(found[-1].signature, found[-1].slot, 0)

        cursor = asyncio.run(head())
        mirror = self.mirror()
        try:
            mirror.commit([], cursor)
        finally:
            mirror.close()


@contextmanager
def indexer_rig(stack: Settings, chain: LocalChain, **indexer: object) -> Iterator[Rig]:
    with private_market(stack) as market:
        settings = market.settings.model_copy(
            update={
                "state_dir": chain.settings.state_dir,
                "chain": chain.settings.chain,
                "indexer": IndexerSettings.model_validate(
                    {
                        # Its own transactional id: the stack's indexer-0 is never fenced.
                        "instance_id": f"test-indexer-{uuid.uuid4().hex[:8]}",
                        "poll_interval_ms": 50,
                        "reconcile_interval_s": 0,
                        **indexer,
                    }
                ),
            }
        )
        market.settings = settings
        rig = Rig(settings, market, chain)
        rig.start_at_head()
        yield rig


def on_chain(rig: Rig, work: Callable[[Desk], Awaitable[T]]) -> T:
    async def run() -> T:
        addresses = rig.chain.addresses
        decoders = addresses.error_decoders()
        async with ChainClient.from_settings(rig.settings.chain, decoders) as client:
            return await work(Desk(client, rig.settings, addresses))

    return asyncio.run(run())
