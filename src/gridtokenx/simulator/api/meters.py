"""``/v1/meters``: every simulated meter, and one meter in detail."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from gridtokenx.simulator.api.context import ApiContext, context
from gridtokenx.simulator.api.convert import meter_body
from gridtokenx.simulator.api.errors import ERROR_RESPONSES
from gridtokenx.simulator.api.models import MeterBody, MeterList

router = APIRouter(prefix="/v1/meters", tags=["meters"], responses=ERROR_RESPONSES)
Context = Annotated[ApiContext, Depends(context)]


@router.get("")
def list_meters(api: Context) -> MeterList:
    meters = api.runner.meters()
    position_ms = api.runner.status().run.position_ms
    return MeterList(position_ms=position_ms, meters=[meter_body(view) for view in meters])


@router.get("/{meter_id}")
def get_meter(meter_id: uuid.UUID, api: Context) -> MeterBody:
    runner = api.runner
    return meter_body(runner.meter(runner.meter_index(meter_id.bytes)))
