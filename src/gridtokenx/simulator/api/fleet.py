"""``/v1/fleet``: the fleet's size, mix and seed; a new fleet is a new run (stopped)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from gridtokenx.simulator.api.building import new_scenario
from gridtokenx.simulator.api.context import ApiContext, context
from gridtokenx.simulator.api.convert import fleet_body
from gridtokenx.simulator.api.errors import ERROR_RESPONSES
from gridtokenx.simulator.api.models import FleetBody, FleetRequest
from gridtokenx.simulator.runner import wall_now_ms

router = APIRouter(prefix="/v1/fleet", tags=["fleet"], responses=ERROR_RESPONSES)
Context = Annotated[ApiContext, Depends(context)]


@router.get("")
def get_fleet(api: Context) -> FleetBody:
    return fleet_body(api.runner.status().run.scenario.fleet)


@router.put("")
def put_fleet(request: FleetRequest, api: Context) -> FleetBody:
    """A new fleet in the current mode, speed and tick, from the mode's default start."""
    current = api.runner.status().run.scenario
    scenario = new_scenario(
        current,
        api.defaults,
        wall_now_ms(),
        meter_count=request.meter_count,
        mix=request.mix,
        seed=request.seed,
        mode=current.mode,
        speed=current.speed,
        interval_ms=current.interval_ms,
        paced=current.paced,
    )
    return fleet_body(api.runner.configure(scenario).scenario.fleet)
