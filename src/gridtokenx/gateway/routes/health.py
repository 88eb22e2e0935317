"""``GET /v1/health`` (PostgreSQL and Redis answer a real round trip, and what is off while one
does not) and ``GET /v1/version``.

Reduced mode. Without Redis the gateway keeps serving what PostgreSQL and its memory hold:
access tokens are checked by signature and expiry alone (no session lookup, so
``session_revocation`` is off), ``/v1/me/*``, orders, energy, grid and statements answer as
usual, market data is rebuilt from PostgreSQL (``market_data`` reduced: no live updates, no
book sequence, no taker side; answers carry ``X-GridTokenX-Source: postgres``, see
gateway.market_fallback; ``live_market_data`` off), and sign-in (single-use
nonces), refresh, sign-out and session listing answer 503 ``service_unavailable`` with
Retry-After. Without PostgreSQL, every route that reads or writes it answers 503 with
Retry-After before changing anything; market data from memory still answers (with both away,
the last state the worker's mirror holds; 503 ``market_data_unavailable`` if it never loaded).
"""

from __future__ import annotations

from importlib.metadata import version as package_version
from typing import Final

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from gridtokenx.gateway.deps import ContextDep
from gridtokenx.gateway.errors import UnavailableError
from gridtokenx.gateway.handlers import error_responses
from gridtokenx.gateway.schemas import Health, Version

router = APIRouter(prefix="/v1", tags=["health"], responses=error_responses(500))

FEATURES_NEEDING: Final[dict[str, tuple[str, ...]]] = {
    "redis": (
        "sign_in",
        "token_refresh",
        "sessions",
        "session_revocation",
        "rate_limits",
        "live_market_data",
        "websocket_user_channel",
        "wallet_linking",
    ),
    "postgres": (
        "sign_in",
        "accounts",
        "orders",
        "energy_data",
        "grid",
        "statements",
        "notifications",
        "operator",
        "websocket_user_channel",
        "websocket_meter_channel",
    ),
}
"""Per backing service, the features that are off while it does not answer."""

FEATURES_REDUCED_WITHOUT: Final[dict[str, tuple[str, ...]]] = {
    "redis": ("market_data",),
    "postgres": (),
}
"""Per backing service, the features that keep working with less while it does not answer."""


def features_off(results: dict[str, str]) -> list[str]:
    """The sorted features of every service in ``results`` that is not ``ok``."""
    off = {
        feature
        for service, state in results.items()
        if state != "ok"
        for feature in FEATURES_NEEDING[service]
    }
    return sorted(off)


def features_reduced(results: dict[str, str]) -> list[str]:
    """The sorted features served with less while a service in ``results`` is not ``ok``
    (a feature that is off altogether is not also listed as reduced)."""
    reduced = {
        feature
        for service, state in results.items()
        if state != "ok"
        for feature in FEATURES_REDUCED_WITHOUT[service]
    }
    return sorted(reduced - set(features_off(results)))


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
async def health(context: ContextDep) -> JSONResponse:
    """200 when PostgreSQL and Redis both answer; 503 naming the one that did not and the
    features that are off meanwhile (the gateway keeps serving the others)."""
    results: dict[str, str] = {}
    for name, probe in (("postgres", context.accounts.ping), ("redis", context.store.ping)):
        try:
            await probe()
        except UnavailableError:
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    ok = all(value == "ok" for value in results.values())
    body = Health(
        status="ok" if ok else "degraded",
        features_off=features_off(results),
        features_reduced=features_reduced(results),
        **results,  # type: ignore[arg-type]
    )
    return JSONResponse(status_code=200 if ok else 503, content=body.model_dump())


@router.get("/version")
async def version() -> Version:
    return Version(version=package_version("gridtokenx"))
