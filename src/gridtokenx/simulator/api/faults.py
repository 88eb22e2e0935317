"""``/v1/faults``: inject faults into a running or paused run, list and end them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from gridtokenx.simulator.api.context import ApiContext, context
from gridtokenx.simulator.api.convert import fault_body
from gridtokenx.simulator.api.errors import ERROR_RESPONSES
from gridtokenx.simulator.api.models import FaultBody, FaultRequest
from gridtokenx.simulator.faults import FaultSpec

router = APIRouter(prefix="/v1/faults", tags=["faults"], responses=ERROR_RESPONSES)
Context = Annotated[ApiContext, Depends(context)]


@router.get("")
def list_faults(api: Context) -> list[FaultBody]:
    ids = api.runner.meter_ids()
    return [fault_body(rule, ids) for rule in api.runner.fault_rules()]


@router.post("", status_code=201)
def add_fault(request: FaultRequest, api: Context) -> FaultBody:
    runner = api.runner
    indices = tuple(runner.meter_index(meter_id.bytes) for meter_id in request.meter_ids)
    rule = runner.add_fault(
        FaultSpec(
            kind=request.kind,
            ticks=request.ticks,
            meter_indices=indices,
            share=request.share,
            skew_ms=request.skew_ms,
        )
    )
    return fault_body(rule, runner.meter_ids())


@router.delete("/{rule_id}", status_code=204)
def remove_fault(rule_id: int, api: Context) -> None:
    api.runner.remove_fault(rule_id)
