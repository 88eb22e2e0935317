"""A JSON-RPC proxy in front of the real node that loses requests, replies or answers on cue.

It injects the network faults a sender must survive (a send that never arrived, a reply that
was lost after the node executed the transaction, a lagging status index, another cluster's
genesis) while the node behind it stays the real one.
"""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web
from solders.transaction import VersionedTransaction

from tests.chain.node.node_process import free_port


@dataclass
class RpcProxy:
    upstream: str
    port: int = field(default_factory=free_port)
    drop_send_requests_of_first_signature: bool = False
    """Swallow every sendTransaction of the first signature seen (it never reaches the node)."""
    drop_send_replies: int = 0
    """Forward this many sendTransaction requests but answer 503, as if the reply was lost."""
    hide_recent_statuses: bool = False
    """Answer getSignatureStatuses without searchTransactionHistory with nulls (a lagging node)."""
    genesis_hash: str | None = None
    """Answer getGenesisHash with this instead of the node's."""
    sent_signatures: list[str] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    _runner: web.AppRunner | None = None
    _session: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post("/", self._handle)
        app.router.add_get("/pubsub-that-drops", self._pubsub_that_drops)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        assert self._runner is not None
        assert self._session is not None
        await self._runner.cleanup()
        await self._session.close()

    @property
    def dropping_pubsub_url(self) -> str:
        """A PubSub endpoint that accepts one subscription, then drops the connection."""
        return f"ws://127.0.0.1:{self.port}/pubsub-that-drops"

    async def _pubsub_that_drops(self, request: web.Request) -> web.StreamResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        subscribe = await socket.receive_json()
        self.calls[str(subscribe["method"])] += 1
        await socket.send_json({"jsonrpc": "2.0", "id": subscribe["id"], "result": 1})
        await socket.close()
        return socket

    async def _forward(self, body: dict[str, object]) -> dict[str, object]:
        assert self._session is not None
        async with self._session.post(self.upstream, json=body) as response:
            answer: dict[str, object] = await response.json()
            return answer

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        method = str(body["method"])
        params = body.get("params") or []
        self.calls[method] += 1
        if method == "getGenesisHash" and self.genesis_hash is not None:
            return web.json_response(
                {"jsonrpc": "2.0", "id": body["id"], "result": self.genesis_hash}
            )
        if method == "sendTransaction":
            raw = base64.b64decode(params[0])
            signature = str(VersionedTransaction.from_bytes(raw).signatures[0])
            self.sent_signatures.append(signature)
            if self.drop_send_requests_of_first_signature and signature == self.sent_signatures[0]:
                return web.Response(status=503, text="lost on the way")
            answer = await self._forward(body)
            if self.drop_send_replies > 0:
                self.drop_send_replies -= 1
                return web.Response(status=503, text="reply lost")
            return web.json_response(answer)
        if method == "getSignatureStatuses" and self.hide_recent_statuses:
            config = params[1] if len(params) > 1 and isinstance(params[1], dict) else {}
            if not config.get("searchTransactionHistory"):
                nulls = [None] * len(params[0])
                result = {"context": {"slot": 0}, "value": nulls}
                return web.json_response({"jsonrpc": "2.0", "id": body["id"], "result": result})
        return web.json_response(await self._forward(body))
