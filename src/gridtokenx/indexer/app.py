"""The indexer process: wire settings, chain, Kafka and PostgreSQL together and run the loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from gridtokenx.chain.addresses import load_addresses
from gridtokenx.chain.client.rpc import SolanaRpc
from gridtokenx.config import Settings
from gridtokenx.indexer.chain import IndexerChain
from gridtokenx.indexer.producer import CommandProducer
from gridtokenx.indexer.repository import OrderMirror
from gridtokenx.indexer.service import IndexerCounters, OrderIndexer
from gridtokenx.indexer.wakeup import LogsWakeup


@asynccontextmanager
async def open_indexer(settings: Settings) -> AsyncIterator[OrderIndexer]:
    """An indexer of the bootstrapped Trading program of ``settings``; closed on exit."""
    indexer = settings.indexer
    program = load_addresses(settings.chain_addresses_file).trading_program
    rpc = SolanaRpc(
        settings.chain.client_rpc_url,
        timeout_s=settings.chain.request_timeout_s,
        commitment=indexer.commitment,
    )
    mirror = OrderMirror(settings.postgres.url, str(program))
    try:
        producer = CommandProducer(
            settings.kafka,
            settings.market.commands_topic,
            transactional_id=indexer.instance_id,
            transaction_timeout_ms=indexer.transaction_timeout_ms,
            linger_ms=indexer.linger_ms,
        )
        try:
            wakeup = (
                LogsWakeup(settings.chain.client_ws_url, str(program), indexer.commitment)
                if indexer.subscribe
                else None
            )
            chain = IndexerChain(rpc, indexer.commitment)
            yield OrderIndexer(indexer, program, chain, mirror, producer, wakeup)
        finally:
            producer.close()
    finally:
        mirror.close()
        await rpc.aclose()


async def serve(
    settings: Settings, stop: asyncio.Event, *, max_idle_passes: int | None = None
) -> IndexerCounters:
    """Follow the bootstrapped Trading program of ``settings`` until ``stop`` (or idle)."""
    async with open_indexer(settings) as service:
        return await service.run(stop, max_idle_passes=max_idle_passes)
