"""Signature confirmations over the cluster's PubSub WebSocket (``signatureSubscribe``).

One connection serves every watch. When it cannot be opened or drops, watches fail with
ChainTransportError and the sender falls back to polling ``getSignatureStatuses``; a failed
connect is not retried for ``retry_after_s`` so that a cluster without PubSub costs nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass

import aiohttp
from solders.signature import Signature

from gridtokenx.chain.client.errors import ChainTransportError
from gridtokenx.chain.client.rpc import Commitment


@dataclass(frozen=True, slots=True)
class SignatureNotification:
    slot: int
    err: object
    """The TransactionError in JSON form; None when the transaction succeeded."""


class SignatureWatch:
    """One subscription: ``notification`` resolves when the signature reaches the commitment."""

    def __init__(self, watcher: SignatureWatcher) -> None:
        self._watcher = watcher
        self.notification: asyncio.Future[SignatureNotification] = (
            asyncio.get_running_loop().create_future()
        )
        self.subscription_id: int | None = None

    async def cancel(self) -> None:
        """Stop watching (the signature is abandoned or confirmed by polling)."""
        if self.notification.done() and not self.notification.cancelled():
            self.notification.exception()  # retrieved: a dropped connection is not news here
        self.notification.cancel()
        await self._watcher.unsubscribe(self)


class SignatureWatcher:
    def __init__(
        self, url: str, commitment: Commitment, *, timeout_s: float, retry_after_s: float = 5.0
    ) -> None:
        self.url = url
        self.commitment: Commitment = commitment
        self._timeout_s = timeout_s
        self._retry_after_s = retry_after_s
        self._session: aiohttp.ClientSession | None = None
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._connecting = asyncio.Lock()
        self._unavailable_until = 0.0
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[SignatureWatch, asyncio.Future[int]]] = {}
        self._by_subscription: dict[int, SignatureWatch] = {}

    async def watch(self, signature: Signature) -> SignatureWatch | None:
        """Subscribe to ``signature``; None when PubSub is unavailable (then poll)."""
        socket = await self._connected()
        if socket is None:
            return None
        request_id = next(self._ids)
        watch = SignatureWatch(self)
        reply: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = (watch, reply)
        request = {
            "jsonrpc": "2.0",
            "id": request_id,
            "method": "signatureSubscribe",
            "params": [str(signature), {"commitment": self.commitment}],
        }
        try:
            await socket.send_str(json.dumps(request))
            watch.subscription_id = await asyncio.wait_for(reply, self._timeout_s)
        except (aiohttp.ClientError, ConnectionError, TimeoutError, ChainTransportError):
            self._pending.pop(request_id, None)
            await self._drop_connection()
            return None
        return watch

    async def unsubscribe(self, watch: SignatureWatch) -> None:
        socket = self._socket
        subscription_id = watch.subscription_id
        if subscription_id is None or self._by_subscription.pop(subscription_id, None) is None:
            return
        if socket is None or socket.closed:
            return
        request = {
            "jsonrpc": "2.0",
            "id": next(self._ids),
            "method": "signatureUnsubscribe",
            "params": [subscription_id],
        }
        with contextlib.suppress(aiohttp.ClientError, ConnectionError):
            await socket.send_str(json.dumps(request))

    async def _connected(self) -> aiohttp.ClientWebSocketResponse | None:
        async with self._connecting:
            if self._socket is not None and not self._socket.closed:
                return self._socket
            if time.monotonic() < self._unavailable_until:
                return None
            if self._session is None:
                self._session = aiohttp.ClientSession(
                    timeout=aiohttp.ClientTimeout(connect=self._timeout_s)
                )
            try:
                self._socket = await self._session.ws_connect(
                    self.url, timeout=aiohttp.ClientWSTimeout(ws_close=self._timeout_s)
                )
            except (aiohttp.ClientError, OSError, TimeoutError):
                self._unavailable_until = time.monotonic() + self._retry_after_s
                return None
            self._reader = asyncio.create_task(self._read(self._socket))
            return self._socket

    async def _read(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        try:
            async for message in socket:
                if message.type is not aiohttp.WSMsgType.TEXT:
                    continue
                try:
                    body = json.loads(message.data)
                    if isinstance(body, dict):
                        self._dispatch(body)
                except (ValueError, KeyError, TypeError):
                    continue  # not a message of ours; the status poll covers what it meant
        finally:
            self._fail_all(f"the PubSub connection to {self.url} closed")

    def _dispatch(self, body: dict[str, object]) -> None:
        request_id = body.get("id")
        if isinstance(request_id, int):
            pending = self._pending.pop(request_id, None)
            if pending is None:
                return  # an unsubscribe's reply
            watch, reply = pending
            result = body.get("result")
            if isinstance(result, int) and not reply.done():
                self._by_subscription[result] = watch
                reply.set_result(result)
            elif not reply.done():
                reply.set_exception(ChainTransportError(f"signatureSubscribe refused: {body}"))
            return
        params = body.get("params")
        if body.get("method") != "signatureNotification" or not isinstance(params, dict):
            return
        watch_of = self._by_subscription.pop(int(params["subscription"]), None)
        result = params["result"]
        if watch_of is None or watch_of.notification.done():
            return
        value = result["value"] if isinstance(result["value"], dict) else {}
        watch_of.notification.set_result(
            SignatureNotification(int(result["context"]["slot"]), value.get("err"))
        )

    def _fail_all(self, reason: str) -> None:
        error = ChainTransportError(reason)
        for watch, reply in self._pending.values():
            if not reply.done():
                reply.set_exception(error)
            if not watch.notification.done():
                watch.notification.set_exception(error)
        for watch in self._by_subscription.values():
            if not watch.notification.done():
                watch.notification.set_exception(error)
        self._pending.clear()
        self._by_subscription.clear()

    async def _drop_connection(self) -> None:
        socket, self._socket = self._socket, None
        if socket is not None:
            await socket.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None

    async def aclose(self) -> None:
        await self._drop_connection()
        if self._session is not None:
            await self._session.close()
            self._session = None
