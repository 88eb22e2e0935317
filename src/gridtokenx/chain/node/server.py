"""The node's I/O: JSON-RPC over HTTP, PubSub over WebSocket, the slot timer and the committer.

Everything runs on one asyncio event loop, so the ledger needs no locks; only the log's write
and fsync run on a worker thread, while the loop keeps executing the next batch.

HTTP is a small asyncio protocol over ``http_wire`` rather than an aiohttp application: measured
on this machine (client and node on separate cores, uvloop), it took about 160 µs of node CPU
per ``sendTransaction`` against aiohttp's 220 µs, most of which is signature verification. The
WebSocket side, where per-message cost matters less, stays on aiohttp.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from contextlib import suppress
from pathlib import Path
from typing import cast

from aiohttp import WSCloseCode, WSMsgType, web
from solders.signature import Signature

from gridtokenx.chain.node.genesis import load_or_create_genesis
from gridtokenx.chain.node.genesis_programs import genesis_programs
from gridtokenx.chain.node.http_wire import (
    CONTINUE,
    HttpFramingError,
    HttpRequest,
    HttpRequestParser,
    response,
)
from gridtokenx.chain.node.ledger import Ledger
from gridtokenx.chain.node.protocol import encode, handle_body, method_not_found
from gridtokenx.chain.node.rpc import RpcMethods, parse_signature
from gridtokenx.chain.node.subscriptions import (
    SUBSCRIBE_METHODS,
    UNSUBSCRIBE_METHODS,
    Connection,
    Notification,
    Subscriptions,
)
from gridtokenx.chain.node.wal import TransactionLog
from gridtokenx.config import ChainSettings

_log = logging.getLogger(__name__)

MAX_WS_MESSAGE_BYTES = 1 << 20
MAX_QUEUED_NOTIFICATIONS = 10_000
"""A subscriber this far behind is disconnected rather than letting its queue grow unbounded."""


class _Subscriber:
    """One WebSocket connection's outbound queue, drained by its own writer task."""

    def __init__(self, socket: web.WebSocketResponse) -> None:
        self.socket = socket
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        self.writer = asyncio.create_task(self._write())
        self.closing: asyncio.Task[bool] | None = None

    async def _write(self) -> None:
        while True:
            text = await self.queue.get()
            try:
                await self.socket.send_str(text)
            except ConnectionResetError:
                return  # the client is gone; the connection's handler cleans up

    def send(self, text: str) -> None:
        if self.closing is not None:
            return
        if self.queue.qsize() >= MAX_QUEUED_NOTIFICATIONS:
            self.writer.cancel()
            self.closing = asyncio.create_task(self.socket.close(message=b"subscriber too slow"))
            return
        self.queue.put_nowait(text)


class _HttpConnection(asyncio.Protocol):
    """One keep-alive HTTP connection to the JSON-RPC port; requests are answered in order."""

    def __init__(self, node: ChainNode) -> None:
        self._node = node
        self._parser = HttpRequestParser()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A stream transport (uvloop's is not a subclass of asyncio.Transport).
        self._transport = cast(asyncio.Transport, transport)
        self._node._http_connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._node._http_connections.discard(self)

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def data_received(self, data: bytes) -> None:
        transport = self._transport
        assert transport is not None
        self._parser.feed(data)
        while not transport.is_closing():
            try:
                request = self._parser.next_request()
            except HttpFramingError as exc:
                detail = f"{exc}\n".encode()
                transport.write(
                    response(exc.status, detail, keep_alive=False, content_type="text/plain")
                )
                transport.close()
                return
            if request is None:
                if self._parser.continue_owed:
                    transport.write(CONTINUE)
                    self._parser.continue_owed = False
                return
            transport.write(self._node.answer_http(request))
            if not request.keep_alive:
                transport.close()

    # A client that stops reading its responses stops being read from.
    def pause_writing(self) -> None:
        assert self._transport is not None
        self._transport.pause_reading()

    def resume_writing(self) -> None:
        assert self._transport is not None
        self._transport.resume_reading()


class ChainNode:
    def __init__(self, settings: ChainSettings, state_dir: Path) -> None:
        self.settings = settings
        self.state_dir = state_dir
        genesis = load_or_create_genesis(state_dir / "genesis.json", settings.slot_ms)
        self.ledger = Ledger(genesis, settings.blockhash_valid_slots)
        for program_id, program in genesis_programs(settings).items():
            self.ledger.svm.add_program(program_id, program)
        self.methods = RpcMethods(self.ledger)
        self.subscriptions = Subscriptions()
        self.log = TransactionLog(state_dir / "transactions.wal", fsync=settings.wal_fsync)
        self._subscribers: dict[Connection, _Subscriber] = {}
        # Signature subscriptions to answer at once if already confirmed, after their reply.
        self._signature_checks: list[tuple[Connection, int, Signature]] = []
        self._commit_wanted = asyncio.Event()
        self._stopping = False
        self._slot_task: asyncio.Task[None] | None = None
        self._commit_task: asyncio.Task[None] | None = None
        self._http_server: asyncio.Server | None = None
        self._http_connections: set[_HttpConnection] = set()
        self._ws_runner: web.AppRunner | None = None

    def replay(self) -> int:
        """Rebuild state from the log; returns the number of transactions replayed."""
        count = 0
        for slot, raw in self.log.replay():
            self.ledger.replay(slot, raw)
            count += 1
        self.ledger.advance(int(time.time() * 1000))
        return count

    # --- HTTP -------------------------------------------------------------------------------

    def _call_http(self, method: str, params: list[object]) -> object:
        handler = self.methods.handlers.get(method)
        if handler is None:
            raise method_not_found()
        return handler(params)

    def answer_http(self, request: HttpRequest) -> bytes:
        """The whole HTTP response to one request on the JSON-RPC port."""
        keep_alive = request.keep_alive
        if request.method == "OPTIONS":  # a browser's CORS preflight
            return response(204, b"", keep_alive=keep_alive)
        if request.method == "GET" and request.path == "/health":
            return response(200, b"ok", keep_alive=keep_alive, content_type="text/plain")
        if request.method == "GET" and request.path == "/stats":
            return response(200, encode(self.stats()).encode(), keep_alive=keep_alive)
        if request.path != "/":
            return response(404, b"not found\n", keep_alive=keep_alive, content_type="text/plain")
        if request.method != "POST":
            text = b"send JSON-RPC requests with POST\n"
            return response(405, text, keep_alive=keep_alive, content_type="text/plain")
        reply = handle_body(request.body, self._call_http)
        if self.ledger.has_pending:
            self._commit_wanted.set()
        if reply is None:
            return response(204, b"", keep_alive=keep_alive)
        return response(200, reply.encode(), keep_alive=keep_alive)

    def stats(self) -> dict[str, int]:
        """Counters for operators and leak tests (not part of Solana's API)."""
        return {
            "slot": self.ledger.slot,
            "transactions": self.ledger.transaction_count,
            "websocketConnections": len(self._subscribers),
            "subscriptions": len(self.subscriptions),
            "subscribedConnections": self.subscriptions.connection_count,
        }

    # --- WebSocket --------------------------------------------------------------------------

    async def _handle_ws(self, request: web.Request) -> web.StreamResponse:
        socket = web.WebSocketResponse(max_msg_size=MAX_WS_MESSAGE_BYTES, autoping=True)
        await socket.prepare(request)
        subscriber = _Subscriber(socket)
        self._subscribers[socket] = subscriber

        def call(method: str, params: list[object]) -> object:
            return self._call_ws(socket, method, params)

        try:
            async for message in socket:
                if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    reply = handle_body(message.data, call)
                    if reply is not None:
                        subscriber.send(reply)
                    self._answer_confirmed_signatures()
        finally:
            self.subscriptions.drop(socket)
            del self._subscribers[socket]
            subscriber.writer.cancel()
            with suppress(asyncio.CancelledError):
                await subscriber.writer
        return socket

    def _call_ws(self, socket: Connection, method: str, params: list[object]) -> object:
        if method in SUBSCRIBE_METHODS:
            subscription_id = self.subscriptions.subscribe(socket, method, params)
            if method == "signatureSubscribe":
                signature = parse_signature(params[0])
                self._signature_checks.append((socket, subscription_id, signature))
            return subscription_id
        if method in UNSUBSCRIBE_METHODS:
            return self.subscriptions.unsubscribe(socket, method, params)
        if method == "ping":
            return "pong"
        raise method_not_found()

    def _answer_confirmed_signatures(self) -> None:
        """Answer signature subscriptions whose transaction was already confirmed."""
        checks, self._signature_checks = self._signature_checks, []
        for connection, subscription_id, signature in checks:
            record = self.ledger.records.get(signature)
            if record is None or not record.durable:
                continue
            notification = self.subscriptions.signature_done(subscription_id, record)
            if notification is not None:  # None: unsubscribed in the same batch
                self._deliver(connection, notification)

    def _deliver(self, connection: Connection, notification: Notification) -> None:
        subscriber = self._subscribers.get(connection)
        if subscriber is not None:
            subscriber.send(encode(notification))

    # --- background tasks -------------------------------------------------------------------

    async def _slot_timer(self) -> None:
        clock = self.ledger.clock
        while True:
            self.ledger.advance(int(time.time() * 1000))
            next_slot_ms = clock.genesis_unix_ms + (self.ledger.slot + 1) * clock.slot_ms
            await asyncio.sleep(max(0.0, next_slot_ms / 1000 - time.time()))

    async def _committer(self) -> None:
        # Never cancelled: a batch half-written by a cancelled commit could be overtaken by the
        # next one, so stopping asks it to drain and waits.
        while not (self._stopping and not self.ledger.has_pending):
            await self._commit_wanted.wait()
            self._commit_wanted.clear()
            await self.commit()

    async def commit(self) -> None:
        """Make everything executed so far durable, then tell subscribers."""
        records, log = self.ledger.take_pending()
        if not records:
            return
        await asyncio.to_thread(self.log.append, log)
        for record in records:
            record.durable = True
        for connection, notification in self.subscriptions.notifications(records, self.ledger):
            self._deliver(connection, notification)

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._http_server = await loop.create_server(
            lambda: _HttpConnection(self), self.settings.host, self.settings.rpc_port
        )
        pubsub = web.Application(client_max_size=MAX_WS_MESSAGE_BYTES)
        pubsub.router.add_get("/", self._handle_ws)
        self._ws_runner = web.AppRunner(pubsub, access_log=None, handle_signals=False)
        await self._ws_runner.setup()
        await web.TCPSite(self._ws_runner, self.settings.host, self.settings.ws_port).start()
        self._slot_task = asyncio.create_task(self._slot_timer())
        self._commit_task = asyncio.create_task(self._committer())

    async def stop(self) -> None:
        """Stop serving, make every executed transaction durable, close the log."""
        assert self._slot_task is not None, "stop() before start()"
        assert self._commit_task is not None, "stop() before start()"
        for subscriber in list(self._subscribers.values()):
            await subscriber.socket.close(code=WSCloseCode.GOING_AWAY, message=b"node stopping")
        assert self._http_server is not None, "stop() before start()"
        assert self._ws_runner is not None, "stop() before start()"
        self._http_server.close()
        for connection in list(self._http_connections):
            connection.close()
        await self._http_server.wait_closed()
        await self._ws_runner.cleanup()
        self._slot_task.cancel()
        with suppress(asyncio.CancelledError):
            await self._slot_task
        self._stopping = True
        self._commit_wanted.set()
        await self._commit_task
        self.log.close()


async def serve(settings: ChainSettings, state_dir: Path) -> None:
    """Run the node until SIGINT or SIGTERM."""
    started = time.perf_counter()
    node = ChainNode(settings, state_dir)
    replayed = node.replay()
    await node.start()
    _log.info(
        "chain node: JSON-RPC %s, PubSub %s, state %s, replayed %d transactions in %.2f s",
        settings.rpc_url,
        settings.ws_url,
        state_dir,
        replayed,
        time.perf_counter() - started,
    )
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stopping.set)
    try:
        await stopping.wait()
    finally:
        await node.stop()
