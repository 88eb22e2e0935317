"""``GET /v1/health`` (PostgreSQL and Redis answer a real round trip) and ``GET /v1/version``."""

from __future__ import annotations

from importlib.metadata import version as package_version

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from gridtokenx.gateway.deps import ContextDep
from gridtokenx.gateway.errors import UnavailableError
from gridtokenx.gateway.handlers import error_responses
from gridtokenx.gateway.schemas import Health, Version

router = APIRouter(prefix="/v1", tags=["health"], responses=error_responses(500))


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
async def health(context: ContextDep) -> JSONResponse:
    """200 when PostgreSQL and Redis both answer; 503 naming the one that did not."""
    results: dict[str, str] = {}
    for name, probe in (("postgres", context.accounts.ping), ("redis", context.store.ping)):
        try:
            await probe()
        except UnavailableError:
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    ok = all(value == "ok" for value in results.values())
    body = Health(status="ok" if ok else "degraded", **results)  # type: ignore[arg-type]
    return JSONResponse(status_code=200 if ok else 503, content=body.model_dump())


@router.get("/version")
async def version() -> Version:
    return Version(version=package_version("gridtokenx"))
