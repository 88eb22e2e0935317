"""Request limits per client IP and per signed-in wallet, counted in Redis (``rate_limits``).

Fixed windows: window ``w = floor(now / window_s)``; the counter
``<prefix>:<route class>:<ip|wallet>:<value>:<w>`` counts a client's requests of one route class
in that window and expires one second after it. A request is checked with one pipelined round
trip (``INCR`` + ``EXPIRE`` per key: the IP's and, when the request carries a valid access token,
its wallet's) and refused with 429 ``rate_limited`` as soon as either count passes its limit;
``Retry-After`` is the number of seconds until the window ends. A refused request still counts,
so a client that keeps flooding stays refused until its window ends. A fixed window admits at
most twice the limit across a window boundary; that is the price of a single round trip.

Route classes come from the method and path alone (:func:`route_class`): ``auth``, ``orders``,
``public``, ``write``, ``read``; ``None`` (never limited) for health, version, ``/metrics``,
the OpenAPI document and CORS preflights; WebSocket upgrades are not HTTP requests here and
pass too. The wallet is the ``wallet`` claim of an access token whose signature and expiry
verify (the session is not looked up: a forged token has no wallet and counts against its IP
only, and the route refuses it anyway); a verified token's wallet is remembered per worker until
the token expires. The IP is the TCP peer's address: behind a proxy every client shares the
proxy's, so limit per client address at the proxy instead.

Redis down: the request passes unchecked (fail open: availability over limits) and
``gridtokenx_gateway_rate_limit_fail_open`` counts it; after a failure the limiter skips Redis
for :data:`BACKOFF_S` so that a dead Redis costs no time per request.
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Receive, Scope, Send

from gridtokenx.config import RateLimitSettings, Settings
from gridtokenx.gateway.errors import GatewayError, RateLimitedError
from gridtokenx.gateway.metrics import RATE_LIMIT_FAIL_OPEN, RATE_LIMITED
from gridtokenx.gateway.token_secret import load_token_secret
from gridtokenx.gateway.tokens import decode_access_token

RouteClass = Literal["auth", "orders", "public", "write", "read"]
KeyKind = Literal["ip", "wallet"]
BACKOFF_S = 1.0
"""After Redis failed, requests pass without asking it for this long."""
TOKEN_CACHE_ENTRIES = 10_000
"""Verified access tokens remembered per worker (token → wallet, until the token expires)."""

_EXEMPT = frozenset({"/v1/health", "/v1/version", "/metrics", "/openapi.json", "/docs", "/redoc"})
_PUBLIC_PREFIXES = ("/v1/markets", "/v1/grid/")
_log = logging.getLogger(__name__)


def route_class(method: str, path: str) -> RouteClass | None:
    """The class whose limits apply to a request, or ``None`` when it is never limited."""
    if path in _EXEMPT or method == "OPTIONS":
        return None
    if path.startswith("/v1/auth/"):
        return "auth"
    if path.startswith(("/v1/orders/", "/v1/transactions/")):
        return "orders"
    if method in ("GET", "HEAD"):
        return "public" if path.startswith(_PUBLIC_PREFIXES) else "read"
    return "write"


def limits_of(settings: RateLimitSettings, klass: RouteClass) -> tuple[int, int]:
    """``(per IP, per wallet)`` requests per window of a route class; 0 means no limit."""
    per_ip: int = getattr(settings, f"{klass}_per_ip")
    per_wallet: int = getattr(settings, f"{klass}_per_wallet")
    return per_ip, per_wallet


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request was refused: which key passed which limit, and for how long."""

    route_class: RouteClass
    key: KeyKind
    limit: int
    window_s: int
    retry_after_s: int

    def error(self) -> RateLimitedError:
        who = "this address" if self.key == "ip" else "this wallet"
        return RateLimitedError(
            f"{who} sent more than {self.limit} {self.route_class} requests in "
            f"{self.window_s} s; retry after {self.retry_after_s} s",
            {
                "route_class": self.route_class,
                "key": self.key,
                "limit": self.limit,
                "window_s": self.window_s,
                "retry_after_s": self.retry_after_s,
            },
        )


def retry_after_s(now_s: float, window_s: int) -> int:
    """Whole seconds (at least 1) until the window containing ``now_s`` ends."""
    window_end = (int(now_s // window_s) + 1) * window_s
    return max(1, math.ceil(window_end - now_s))


class RateLimiter:
    """Counts requests in Redis; :meth:`check` answers ``None`` (admitted) or a :class:`Refusal`."""

    def __init__(self, redis: Redis, settings: RateLimitSettings) -> None:
        self._redis = redis
        self._settings = settings
        self._skip_until = 0.0

    async def check(
        self, klass: RouteClass, ip: str, wallet: str | None, now_s: float
    ) -> Refusal | None:
        per_ip, per_wallet = limits_of(self._settings, klass)
        window_s = self._settings.window_s
        window = int(now_s // window_s)
        checks: list[tuple[KeyKind, str, int]] = []
        if per_ip:
            checks.append(("ip", ip, per_ip))
        if per_wallet and wallet is not None:
            checks.append(("wallet", wallet, per_wallet))
        if not checks:
            return None
        if time.monotonic() < self._skip_until:
            RATE_LIMIT_FAIL_OPEN.inc()
            return None
        prefix = self._settings.redis_prefix
        try:
            async with self._redis.pipeline(transaction=False) as pipeline:
                for kind, value, _ in checks:
                    key = f"{prefix}:{klass}:{kind}:{value}:{window}"
                    pipeline.incr(key)
                    pipeline.expire(key, window_s + 1)
                counts = await pipeline.execute()
        except (RedisError, OSError) as exc:
            self._skip_until = time.monotonic() + BACKOFF_S
            RATE_LIMIT_FAIL_OPEN.inc()
            _log.warning("rate limits not enforced: Redis did not answer (%s)", exc)
            return None
        for (kind, _, limit), count in zip(checks, counts[::2], strict=True):
            if int(count) > limit:
                RATE_LIMITED.labels(klass, kind).inc()
                return Refusal(klass, kind, limit, window_s, retry_after_s(now_s, window_s))
        return None


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


class RateLimitMiddleware:
    """Pure ASGI: checks each HTTP request against :class:`RateLimiter` before the routes run.

    The limiter is built on the first request from the worker's context (its Redis client) and
    the token key, so the middleware can be added before the app's lifespan has run."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self._settings = settings
        self._limiter: RateLimiter | None = None
        self._secret: bytes | None = None
        self._wallets: dict[bytes, tuple[str, int]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._settings.rate_limits.enabled:
            await self.app(scope, receive, send)
            return
        klass = route_class(scope["method"], scope["path"])
        if klass is None:
            await self.app(scope, receive, send)
            return
        limiter = self._limiter
        if limiter is None:
            limiter = self._limiter = RateLimiter(
                scope["app"].state.context.redis, self._settings.rate_limits
            )
        client = scope.get("client")
        ip = client[0] if client else "unknown"
        refusal = await limiter.check(klass, ip, self._wallet(scope, klass), time.time())
        if refusal is None:
            await self.app(scope, receive, send)
            return
        await send_error(send, refusal.error(), retry_after_s=refusal.retry_after_s)

    def _wallet(self, scope: Scope, klass: RouteClass) -> str | None:
        if not limits_of(self._settings.rate_limits, klass)[1]:
            return None
        header = _header(scope, b"authorization")
        if header is None or header[:7].lower() != b"bearer ":
            return None
        token = header[7:]
        now = _now()
        known = self._wallets.get(token)
        if known is not None and known[1] > now.timestamp():
            return known[0]
        if self._secret is None:
            self._secret = load_token_secret(self._settings)
        try:
            claims = decode_access_token(token.decode("latin-1"), self._secret, now)
        except GatewayError:
            return None
        # Verifying a token costs more than the rest of the check: a client sends the same one
        # until it expires, so its wallet is remembered that long.
        if len(self._wallets) >= TOKEN_CACHE_ENTRIES:
            self._wallets.clear()
        self._wallets[token] = (claims.wallet, claims.expires_at_s)
        return claims.wallet


def _now() -> datetime:
    return datetime.now(UTC)


async def send_error(send: Send, error: GatewayError, *, retry_after_s: int) -> None:
    """Answer with the standard ``{code, message, details}`` body and ``Retry-After``."""
    body = json.dumps(
        {"code": error.code, "message": error.message, "details": error.details},
        separators=(",", ":"),
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(retry_after_s).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
