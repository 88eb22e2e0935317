"""Errors as typed JSON bodies (:class:`ErrorBody`) with the HTTP status each deserves."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from gridtokenx.errors import GridTokenXError
from gridtokenx.simulator.api.models import ErrorBody
from gridtokenx.simulator.commissioning import MeterClashError
from gridtokenx.simulator.errors import FleetConfigError
from gridtokenx.simulator.faults import FaultError
from gridtokenx.simulator.runner import SimulatorStateError, UnknownMeterError
from gridtokenx.telemetry.errors import StorageUnavailableError

STATUS_BY_ERROR: dict[type[GridTokenXError], int] = {
    UnknownMeterError: 404,
    SimulatorStateError: 409,
    MeterClashError: 409,
    FleetConfigError: 422,
    FaultError: 422,
    StorageUnavailableError: 503,
}
"""Errors not listed answer 500."""

ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorBody} for status in (404, 409, 422, 503)
}


def error_response(exc: GridTokenXError) -> JSONResponse:
    status = next((code for kind, code in STATUS_BY_ERROR.items() if isinstance(exc, kind)), 500)
    body = ErrorBody(error=type(exc).__name__, detail=str(exc))
    return JSONResponse(status_code=status, content=body.model_dump())


def install_error_handlers(app: FastAPI) -> None:
    async def handle(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, GridTokenXError)
        return error_response(exc)

    app.add_exception_handler(GridTokenXError, handle)
