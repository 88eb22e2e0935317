"""Live wake-ups: ``logsSubscribe`` to the Trading program over the cluster's PubSub WebSocket.

A notification only says "something happened": the indexer then reads the signatures since its
cursor, so a missed or duplicated notification changes nothing but latency. When the socket
cannot be opened or drops, the subscriber retries after ``retry_after_s`` while the indexer's
poll timer keeps it going.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import aiohttp

_log = logging.getLogger(__name__)


class LogsWakeup:
    def __init__(
        self, url: str, program: str, commitment: str, *, retry_after_s: float = 5.0
    ) -> None:
        self.url = url
        self.program = program
        self.commitment = commitment
        self.retry_after_s = retry_after_s
        self.event = asyncio.Event()
        self.subscribed = asyncio.Event()
        """Set while the subscription is confirmed (cleared when the socket drops)."""
        self.notifications = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        request = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "logsSubscribe",
            "params": [{"mentions": [self.program]}, {"commitment": self.commitment}],
        }
        async with aiohttp.ClientSession() as session:
            while True:
                try:
                    async with session.ws_connect(self.url, heartbeat=30.0) as socket:
                        await socket.send_str(json.dumps(request))
                        async for message in socket:
                            if message.type is aiohttp.WSMsgType.TEXT:
                                self._on_message(message.data)
                except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                    _log.info("logsSubscribe to %s unavailable (%s); polling", self.url, exc)
                self.subscribed.clear()
                # Something may have landed while the socket was down: look once.
                self.event.set()
                await asyncio.sleep(self.retry_after_s)

    def _on_message(self, text: str) -> None:
        try:
            body = json.loads(text)
        except ValueError:
            return
        if not isinstance(body, dict):
            return
        if body.get("method") == "logsNotification":
            self.notifications += 1
            self.event.set()
        elif body.get("id") == 1 and isinstance(body.get("result"), int):
            self.subscribed.set()
            # Transactions that landed before the subscription took effect: look once.
            self.event.set()
        elif body.get("id") == 1:
            _log.warning("logsSubscribe refused by %s: %.200s; polling", self.url, text)
