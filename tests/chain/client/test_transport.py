"""SolanaRpc's HTTP transport: failures become ChainTransportError, the pool bounds connections.

The endpoints here are small aiohttp servers that misbehave on purpose (nothing listening, an
answer that is not JSON, slow answers), standing in for a broken network, not for the node.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from gridtokenx.chain.client import ChainTransportError
from gridtokenx.chain.client.rpc import SolanaRpc
from tests.utils.ports import free_port

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def _endpoint(handler: Handler) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post("/", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def test_an_unreachable_endpoint_is_a_transport_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    rpc = SolanaRpc(url, timeout_s=5, commitment="confirmed")  # outside any event loop

    async def scenario() -> None:
        try:
            with pytest.raises(ChainTransportError, match=f"getSlot to {url} failed"):
                await rpc.get_slot()
        finally:
            await rpc.aclose()

    asyncio.run(scenario())


def test_a_non_json_or_failed_http_answer_is_a_transport_error() -> None:
    async def not_json(request: web.Request) -> web.StreamResponse:
        return web.Response(text="<html>proxy error</html>")

    async def unavailable(request: web.Request) -> web.StreamResponse:
        return web.Response(status=503, text="try later")

    async def scenario() -> None:
        for handler in (not_json, unavailable):
            async with _endpoint(handler) as url:
                rpc = SolanaRpc(url, timeout_s=5, commitment="confirmed")
                try:
                    with pytest.raises(ChainTransportError, match="getBlockHeight"):
                        await rpc.get_block_height()
                finally:
                    await rpc.aclose()

    asyncio.run(scenario())


def test_calls_beyond_the_pool_wait_for_a_connection_and_all_complete() -> None:
    in_flight = 0
    most = 0
    connections: set[object] = set()

    async def slot(request: web.Request) -> web.StreamResponse:
        nonlocal in_flight, most
        connections.add(request.transport)
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        body = await request.json()
        return web.json_response({"jsonrpc": "2.0", "id": body["id"], "result": 7})

    async def scenario() -> list[int]:
        async with _endpoint(slot) as url:
            rpc = SolanaRpc(url, timeout_s=10, commitment="confirmed", max_connections=3)
            try:
                return await asyncio.gather(*(rpc.get_slot() for _ in range(30)))
            finally:
                await rpc.aclose()

    assert asyncio.run(scenario()) == [7] * 30
    assert most <= 3
    assert len(connections) <= 3


def test_one_client_serves_successive_event_loops() -> None:
    async def answer(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        return web.json_response({"jsonrpc": "2.0", "id": body["id"], "result": 11})

    rpc = SolanaRpc("http://unused", timeout_s=5, commitment="confirmed")

    async def scenario() -> int:
        async with _endpoint(answer) as url:
            rpc.url = url
            return await rpc.get_slot()

    assert asyncio.run(scenario()) == 11
    assert asyncio.run(scenario()) == 11  # a new loop: the first loop's pool is left behind

    asyncio.run(rpc.aclose())
