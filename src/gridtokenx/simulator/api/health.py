"""``GET /v1/health``: the process answers HTTP (the stack's health check)."""

from __future__ import annotations

from fastapi import APIRouter

from gridtokenx.simulator.api.models import Health

router = APIRouter(prefix="/v1", tags=["health"])


@router.get("/health")
def health() -> Health:
    # Answers without the runner's lock, so a long fleet preparation never fails the check.
    return Health()
