"""``/v1/scenario``: the whole run configuration; replacing it starts a new run (stopped)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from gridtokenx.simulator.api.building import new_scenario
from gridtokenx.simulator.api.context import ApiContext, context
from gridtokenx.simulator.api.convert import scenario_body
from gridtokenx.simulator.api.errors import ERROR_RESPONSES
from gridtokenx.simulator.api.models import ScenarioBody, ScenarioRequest
from gridtokenx.simulator.runner import wall_now_ms

router = APIRouter(prefix="/v1/scenario", tags=["scenario"], responses=ERROR_RESPONSES)
Context = Annotated[ApiContext, Depends(context)]


@router.get("")
def get_scenario(api: Context) -> ScenarioBody:
    return scenario_body(api.runner.status().run.scenario)


@router.put("")
def put_scenario(request: ScenarioRequest, api: Context) -> ScenarioBody:
    """A new run of this scenario, stopped at its start (the current run must be stopped)."""
    current = api.runner.status().run.scenario
    scenario = new_scenario(
        current,
        api.defaults,
        wall_now_ms(),
        meter_count=request.meter_count,
        mix=request.mix,
        seed=request.seed,
        mode=request.mode,
        speed=request.speed,
        interval_ms=request.interval_ms,
        start_ms=request.start_ms,
        end_ms=request.end_ms,
        paced=request.paced,
    )
    return scenario_body(api.runner.configure(scenario).scenario)
