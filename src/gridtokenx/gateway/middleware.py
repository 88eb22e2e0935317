"""The outermost layer of every request: its id, its metrics, its access log line, the last-resort
500, and ``GET /metrics``.

A request id comes from ``X-Request-ID`` when it is sane (1-128 characters of
``[A-Za-z0-9._:-]``), else it is generated; it is echoed in the response header and appears in
every log line written while the request runs. An exception no handler mapped becomes a 500
with the ``internal_error`` body, which names only the request id: the details stay in the log.

Each HTTP request is observed in ``gridtokenx_gateway_http_request_duration_seconds`` under its
route template (``scope["route"]``, set by the router; ``unmatched`` when no route matched),
method and status class, and counted in ``gridtokenx_gateway_http_requests_in_flight`` while it
runs (:mod:`~gridtokenx.gateway.metrics`).

``GET /metrics`` answers the Prometheus text format here, before any route, rate limit or
token check: it is outside ``/v1`` and the OpenAPI document, needs no token, and is reachable
exactly where the gateway's listener is (``gateway.host``, 127.0.0.1 by default). A deployment
that publishes the gateway beyond the scraper's network blocks ``/metrics`` at its proxy.

Plain ASGI (not ``BaseHTTPMiddleware``, which runs the app in a task and copies each body
through a stream), so it costs little per request.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from prometheus_client import Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gridtokenx.gateway.logs import request_id_var
from gridtokenx.gateway.metrics import HTTP_IN_FLIGHT, HTTP_REQUEST_DURATION, exposition

REQUEST_ID_HEADER = "x-request-id"
METRICS_PATH = "/metrics"
_REQUEST_ID_HEADER = REQUEST_ID_HEADER.encode()
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_STATUS_CLASSES = ("0xx", "1xx", "2xx", "3xx", "4xx", "5xx")
_log = logging.getLogger("gridtokenx.gateway.access")
_DURATIONS: dict[tuple[str, str, str], Histogram] = {}


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == _REQUEST_ID_HEADER:
            candidate = value.decode("latin-1")
            if _SANE.fullmatch(candidate):
                return candidate
            break
    return uuid.uuid4().hex


def _duration(route: str, method: str, status_class: str) -> Histogram:
    """The histogram child of one label set, looked up once (``labels()`` takes a lock)."""
    key = (route, method, status_class)
    child = _DURATIONS.get(key)
    if child is None:
        child = _DURATIONS[key] = HTTP_REQUEST_DURATION.labels(route, method, status_class)
    return child


def route_template(scope: Scope) -> str:
    """The path template of the route that served the request (bounded label values)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            if scope["path"] == METRICS_PATH and scope["method"] == "GET":
                await _send_metrics(send)
                return
        elif kind != "websocket":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope["headers"])
        scope.setdefault("state", {})["request_id"] = request_id
        id_header = (_REQUEST_ID_HEADER, request_id.encode())
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        if kind == "http":
            HTTP_IN_FLIGHT.inc()
        try:
            # A WebSocket's frames skip the wrapper: it only touches http.response.start.
            await self.app(scope, receive, send_with_id if kind == "http" else send)
        except Exception:
            _log.exception(
                "unhandled error", extra={"path": scope.get("path"), "request_id": request_id}
            )
            if status:
                raise
            status = 500
            await _send_internal_error(send_with_id, request_id)
        finally:
            elapsed_s = time.perf_counter() - started
            if kind == "http":
                HTTP_IN_FLIGHT.dec()
                _duration(
                    route_template(scope), scope["method"], _STATUS_CLASSES[min(status // 100, 5)]
                ).observe(elapsed_s)
            _log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "duration_ms": round(elapsed_s * 1000, 3),
                    "http_version": scope.get("http_version"),
                },
            )
            request_id_var.reset(token)


async def _send_metrics(send: Send) -> None:
    body, content_type = exposition()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


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
