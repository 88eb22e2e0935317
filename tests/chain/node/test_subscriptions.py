"""PubSub over a raw WebSocket: subscribe/unsubscribe replies, and no leak when clients vanish."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import httpx
import pytest
from solders.keypair import Keypair

from tests.chain.node.node_process import NodeProcess, rpc_call

pytestmark = pytest.mark.integration

CYCLES = 200
CONCURRENT = 20
SYSTEM_PROGRAM = "11111111111111111111111111111111"


def _request(request_id: int, method: object, *params: object) -> str:
    return json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})


async def _subscribe_all(socket: aiohttp.ClientWebSocketResponse, address: str) -> list[int]:
    requests = [
        ("accountSubscribe", address, {"encoding": "base64"}),
        ("logsSubscribe", {"mentions": [address]}),
        ("logsSubscribe", "all"),
        ("programSubscribe", SYSTEM_PROGRAM, {"encoding": "base64"}),
        ("signatureSubscribe", str(Keypair().sign_message(b"x"))),
    ]
    for request_id, (method, *params) in enumerate(requests):
        await socket.send_str(_request(request_id, method, *params))
    replies = [json.loads((await socket.receive()).data) for _ in requests]
    return [reply["result"] for reply in sorted(replies, key=lambda reply: reply["id"])]


async def _cycle(session: aiohttp.ClientSession, node: NodeProcess, abort: bool) -> None:
    socket = await session.ws_connect(node.ws_url)
    ids = await _subscribe_all(socket, str(Keypair().pubkey()))
    assert len(set(ids)) == len(ids)
    if abort:
        # Vanish without a close handshake, as a crashed client does.
        assert socket._response.connection is not None
        socket._response.connection.transport.abort()  # type: ignore[union-attr]
    await socket.close()


def _stats(node: NodeProcess) -> dict[str, int]:
    stats: dict[str, int] = httpx.get(f"{node.rpc_url}/stats", timeout=10).json()
    return stats


async def _many_cycles(node: NodeProcess) -> None:
    async with aiohttp.ClientSession() as session:
        for start in range(0, CYCLES, CONCURRENT):
            await asyncio.gather(
                *(_cycle(session, node, abort=i % 2 == 0) for i in range(start, start + CONCURRENT))
            )


async def _replies(node: NodeProcess) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(node.ws_url) as socket:
        subscription = (await _subscribe_all(socket, str(Keypair().pubkey())))[0]
        await socket.send_str(_request(10, "accountUnsubscribe", subscription))
        assert json.loads((await socket.receive()).data)["result"] is True
        await socket.send_str(_request(11, "accountUnsubscribe", subscription))
        assert json.loads((await socket.receive()).data)["error"]["code"] == -32602
        await socket.send_str(_request(12, "getBalance", SYSTEM_PROGRAM))
        assert json.loads((await socket.receive()).data)["error"]["code"] == -32601
        await socket.send_str("{broken")
        assert json.loads((await socket.receive()).data)["error"]["code"] == -32700
        # web3.js keeps its socket alive with a bare ping notification, which wants no reply.
        await socket.send_str(json.dumps({"jsonrpc": "2.0", "method": "ping"}))
        await socket.send_str(_request(13, "ping"))
        assert json.loads((await socket.receive()).data) == {
            "jsonrpc": "2.0",
            "result": "pong",
            "id": 13,
        }


def test_subscribe_and_unsubscribe_replies(shared_node: NodeProcess) -> None:
    asyncio.run(_replies(shared_node))


async def _already_confirmed(node: NodeProcess) -> None:
    recipient = str(Keypair().pubkey())
    signature = rpc_call(node.rpc_url, "requestAirdrop", [recipient, 10**9])["result"]
    for _ in range(100):
        status = rpc_call(node.rpc_url, "getSignatureStatuses", [[signature]])["result"]
        assert isinstance(status, dict)
        if status["value"][0] and status["value"][0]["confirmationStatus"] == "finalized":
            break
        await asyncio.sleep(0.02)
    async with aiohttp.ClientSession() as session, session.ws_connect(node.ws_url) as socket:
        await socket.send_str(_request(1, "signatureSubscribe", signature))
        subscription = json.loads((await socket.receive()).data)["result"]
        notification = json.loads((await asyncio.wait_for(socket.receive(), 5)).data)
        assert notification["method"] == "signatureNotification"
        assert notification["params"]["subscription"] == subscription
        assert notification["params"]["result"]["value"] == {"err": None}


def test_a_signature_confirmed_before_subscribing_is_notified_at_once(
    shared_node: NodeProcess,
) -> None:
    asyncio.run(_already_confirmed(shared_node))


def test_clients_that_disconnect_leak_nothing(shared_node: NodeProcess) -> None:
    asyncio.run(_many_cycles(shared_node))
    for _ in range(100):
        stats = _stats(shared_node)
        if stats["websocketConnections"] == 0:
            break
        asyncio.run(asyncio.sleep(0.05))
    assert stats["websocketConnections"] == 0
    assert stats["subscriptions"] == 0
    assert stats["subscribedConnections"] == 0
