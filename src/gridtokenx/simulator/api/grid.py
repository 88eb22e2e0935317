"""``/v1/grid``: PV, load, import and export per zone, per feeder and in total."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from gridtokenx.simulator.api.context import ApiContext, context
from gridtokenx.simulator.api.convert import grid_body
from gridtokenx.simulator.api.errors import ERROR_RESPONSES
from gridtokenx.simulator.api.models import GridBody
from gridtokenx.simulator.runner import SimulatorStateError

router = APIRouter(prefix="/v1/grid", tags=["grid"], responses=ERROR_RESPONSES)
Context = Annotated[ApiContext, Depends(context)]


@router.get("")
def grid(api: Context) -> GridBody:
    status = api.runner.grid()
    if status is None:
        raise SimulatorStateError("no tick published yet in this run; wait for the first one")
    return grid_body(status)
