"""The outermost layer of every request: its id, its access log line, and the last-resort 500.

A request id comes from ``X-Request-ID`` when it is sane (1-128 characters of
``[A-Za-z0-9._:-]``), else it is generated; it is echoed in the response header and appears in
every log line written while the request runs. An exception no handler mapped becomes a 500
with the ``internal_error`` body, which names only the request id: the details stay in the log.
A plain ASGI middleware (not ``BaseHTTPMiddleware``) so it costs little per request.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gridtokenx.gateway.logs import request_id_var

REQUEST_ID_HEADER = "x-request-id"
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_log = logging.getLogger("gridtokenx.gateway.access")


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == REQUEST_ID_HEADER.encode():
            candidate = value.decode("latin-1")
            if _SANE.fullmatch(candidate):
                return candidate
            break
    return uuid.uuid4().hex


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope["headers"])
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            _log.exception(
                "unhandled error", extra={"path": scope.get("path"), "request_id": request_id}
            )
            if status:
                raise
            status = 500
            await _send_internal_error(send_with_id, request_id)
        finally:
            _log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    "http_version": scope.get("http_version"),
                },
            )
            request_id_var.reset(token)


async def _send_internal_error(send: Send, request_id: str) -> None:
    body = json.dumps(
        {
            "code": "internal_error",
            "message": f"an internal error occurred; quote request id {request_id} to support",
            "details": {"request_id": request_id},
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
