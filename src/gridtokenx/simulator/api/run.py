"""``/v1/run``: the run's state and its controls (start, stop, pause, resume, step, speed)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from gridtokenx.simulator.api.context import ApiContext, context
from gridtokenx.simulator.api.convert import run_status_body
from gridtokenx.simulator.api.errors import ERROR_RESPONSES
from gridtokenx.simulator.api.models import RunStatusBody, SpeedRequest, StepRequest

router = APIRouter(prefix="/v1/run", tags=["run"], responses=ERROR_RESPONSES)
Context = Annotated[ApiContext, Depends(context)]


def _status(api: ApiContext) -> RunStatusBody:
    return run_status_body(api.runner.status())


@router.get("")
def run_status(api: Context) -> RunStatusBody:
    return _status(api)


@router.post("/start")
def start(api: Context) -> RunStatusBody:
    """Start the stored run (or continue a stopped one from its position)."""
    api.runner.start()
    return _status(api)


@router.post("/stop")
def stop(api: Context) -> RunStatusBody:
    api.runner.stop()
    return _status(api)


@router.post("/pause")
def pause(api: Context) -> RunStatusBody:
    api.runner.pause()
    return _status(api)


@router.post("/resume")
def resume(api: Context) -> RunStatusBody:
    api.runner.resume()
    return _status(api)


@router.post("/step")
def step(request: StepRequest, api: Context) -> RunStatusBody:
    """Publish the next ticks at once (a paused run only)."""
    api.runner.step(request.ticks)
    return _status(api)


@router.put("/speed")
def speed(request: SpeedRequest, api: Context) -> RunStatusBody:
    api.runner.set_speed(request.speed)
    return _status(api)
