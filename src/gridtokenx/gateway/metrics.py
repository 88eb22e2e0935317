"""Prometheus metrics of the API gateway, served at ``GET /metrics`` by every worker.

Names start with ``gridtokenx_gateway_``. The HTTP ones are recorded by
:class:`~gridtokenx.gateway.middleware.RequestContextMiddleware`; the others by the code that
sees the event (routes/auth.py, routes/ws.py, the book's fast path, the rate limiter).

Label values are bounded: ``route`` is the route template (``/v1/markets/{market}/book``, never
the concrete path; ``unmatched`` for a request no route served, a rate-limit refusal included),
``status_class`` is ``2xx`` … ``5xx``; ``reason``, ``event``, ``result``, ``route_class`` and
``key`` take the few values their help texts list.

Several workers: each worker process keeps its own values, and a scrape reaches one of them. For
totals across workers set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory, the same for every
worker) before the server starts; prometheus_client then writes every value to files there and
``/metrics`` aggregates them (gauges by ``livesum``). Empty the folder before each start: the
files of a worker that died stay there and its in-flight and connection gauges keep counting
until then. Without the variable, scrape one worker per port (``gateway.workers = 1``).
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

HTTP_REQUEST_DURATION = Histogram(
    "gridtokenx_gateway_http_request_duration_seconds",
    "Time from a request's arrival to its last response byte handed to the server",
    ["route", "method", "status_class"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
HTTP_IN_FLIGHT = Gauge(
    "gridtokenx_gateway_http_requests_in_flight",
    "HTTP requests being served right now (WebSocket connections are not counted here)",
    multiprocess_mode="livesum",
)

WS_CONNECTIONS = Gauge(
    "gridtokenx_gateway_ws_connections",
    "Open WebSocket connections on /v1/ws",
    multiprocess_mode="livesum",
)
WS_CLOSED = Counter(
    "gridtokenx_gateway_ws_closed",
    "WebSocket connections closed, by reason (client, slow_consumer, error, cancelled: the "
    "values routes/ws.py reports)",
    ["reason"],
)

AUTH_EVENTS = Counter(
    "gridtokenx_gateway_auth_events",
    "Authentication events: sign_in_success, sign_in_failure, refresh, refresh_reuse, sign_out",
    ["event"],
)

MARKET_CACHE_READS = Counter(
    "gridtokenx_gateway_market_cache_reads",
    "Order-book reads answered from the pre-serialized body of the mirror's current sequence "
    "(hit) or serialized anew because the book changed since (miss); "
    "hit ratio = hit / (hit + miss)",
    ["result"],
)

RATE_LIMITED = Counter(
    "gridtokenx_gateway_rate_limited",
    "Requests refused with 429, by route class and by key (ip or wallet)",
    ["route_class", "key"],
)
RATE_LIMIT_FAIL_OPEN = Counter(
    "gridtokenx_gateway_rate_limit_fail_open",
    "Requests let through unchecked because Redis did not answer the rate limiter",
)


def exposition() -> tuple[bytes, str]:
    """The text ``/metrics`` answers and its content type: this process's registry, or every
    worker's values aggregated when ``PROMETHEUS_MULTIPROC_DIR`` is set."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
