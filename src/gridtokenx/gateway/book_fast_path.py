"""The order book's hot path: one pre-serialized body per market, depth and book sequence.

``GET /v1/markets/{market}/book`` is the most read route. Its answer depends only on the
worker's mirror of the book (:class:`~.feed.mirror.MarketMirror`) and ``depth``, so
:class:`BookBodies` serializes it once per book sequence and hands the same bytes to every
reader until the book changes (``gridtokenx_gateway_market_cache_reads`` counts hits and
misses). The FastAPI route answers from it, and :class:`BookFastPath`, a plain ASGI middleware
in front of the router, answers the plain case (a known market, no query or only a valid
``depth``) without FastAPI's routing, dependency and validation work, which cost more than the
answer itself. Every other request (an unknown market, a bad ``depth``, other parameters, the
mirror not loaded yet or not following Redis) falls through to the route, which answers it —
errors included — as before (from PostgreSQL while Redis is away); a test checks that both give
the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from gridtokenx.gateway.feed.channels import Channel, ChannelKind, is_market_address
from gridtokenx.gateway.feed.mirror import MarketMirror
from gridtokenx.gateway.feed.schemas import BookLevel, BookPublic
from gridtokenx.gateway.feed.views import BookView
from gridtokenx.gateway.metrics import MARKET_CACHE_READS

BOOK_ROUTE = "/v1/markets/{market}/book"
DEFAULT_DEPTH = 50
MAX_DEPTH = 1000
MAX_ENTRIES = 1024
"""Bodies kept per worker (markets x depths asked); the cache starts over beyond that."""

_PREFIX = "/v1/markets/"
_SUFFIX = "/book"
_HIT = MARKET_CACHE_READS.labels("hit")
_MISS = MARKET_CACHE_READS.labels("miss")
_HEADERS_START = [(b"content-type", b"application/json")]


@dataclass(frozen=True, slots=True)
class RouteTemplate:
    """Stands for the route in ``scope["route"]`` when the router did not run."""

    path: str


_BOOK_TEMPLATE = RouteTemplate(BOOK_ROUTE)


def book_view(mirror: MarketMirror, market: str) -> BookView:
    view = mirror.view(Channel(ChannelKind.BOOK, market))
    return view if isinstance(view, BookView) else BookView()


class BookBodies:
    """The JSON body of each (market, depth) for the book sequence it was built from."""

    def __init__(self) -> None:
        self._bodies: dict[tuple[str, int], tuple[BookView, int, bytes]] = {}

    def body(self, mirror: MarketMirror, market: str, depth: int) -> bytes:
        """The route's answer (:class:`BookPublic` as JSON) for a market the mirror knows."""
        view = book_view(mirror, market)
        key = (market, depth)
        cached = self._bodies.get(key)
        if cached is not None and cached[0] is view and cached[1] == view.sequence:
            _HIT.inc()
            return cached[2]
        _MISS.inc()
        levels = view.levels(depth)
        body = (
            BookPublic(
                market=market,
                sequence=view.sequence,
                bids=[BookLevel(**level) for level in levels["bids"]],
                asks=[BookLevel(**level) for level in levels["asks"]],
                complete=view.complete,
            )
            .model_dump_json()
            .encode()
        )
        if len(self._bodies) >= MAX_ENTRIES:
            self._bodies.clear()
        self._bodies[key] = (view, view.sequence, body)
        return body


def book_bodies(state: Any) -> BookBodies:
    """The worker's :class:`BookBodies` (kept on the app's ``state``)."""
    bodies: BookBodies | None = getattr(state, "book_bodies", None)
    if bodies is None:
        bodies = state.book_bodies = BookBodies()
    return bodies


def plain_depth(query: bytes) -> int | None:
    """``depth`` of a query string that holds nothing else, if it is valid; else ``None``."""
    if not query:
        return DEFAULT_DEPTH
    if not query.startswith(b"depth=") or len(query) > 10:
        return None
    digits = query[6:]
    if not digits.isdigit() or digits[0:1] == b"0":
        return None
    depth = int(digits)
    return depth if depth <= MAX_DEPTH else None


class BookFastPath:
    """Answers plain book reads from :class:`BookBodies`; passes everything else on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path: str = scope["path"]
            if path.startswith(_PREFIX) and path.endswith(_SUFFIX):
                body = self._answer(scope, path[len(_PREFIX) : -len(_SUFFIX)])
                if body is not None:
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 200,
                            "headers": [
                                *_HEADERS_START,
                                (b"content-length", str(len(body)).encode()),
                            ],
                        }
                    )
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)

    def _answer(self, scope: Scope, market: str) -> bytes | None:
        state = scope["app"].state
        mirror: MarketMirror | None = getattr(state, "market_mirror", None)
        if mirror is None or market not in mirror.markets or not is_market_address(market):
            return None
        if not mirror.connected.is_set():
            return None  # Redis away: the route answers from PostgreSQL (gateway.market_fallback)
        depth = plain_depth(scope["query_string"])
        if depth is None:
            return None
        # Metrics and logs read the route's template from here, as if the router had run.
        scope["route"] = _BOOK_TEMPLATE
        return book_bodies(state).body(mirror, market, depth)
