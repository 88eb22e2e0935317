"""Monthly statements: JSON, CSV and PDF.

``GET /v1/me/statements/{YYYY-MM}`` (and ``.csv``, ``.pdf``) is the signed-in account's own
statement. ``GET /v1/accounts/{user_id}/statements/{YYYY-MM}`` (and ``.csv``, ``.pdf``) reads
any account's statement for operators; another role gets it only for its own id and the same
404 (``statement_not_found``) as for an account that does not exist otherwise. A month that is
not ``YYYY-MM`` answers 422 ``statement_month_invalid``, a month that has not started 422
``statement_month_in_future``. The CSV and the PDF are downloads (``Content-Disposition:
attachment``) with the same figures as the JSON (see :mod:`gridtokenx.statements`).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from starlette.concurrency import run_in_threadpool

from gridtokenx.gateway.auth_service import Principal
from gridtokenx.gateway.deps import Caller, ContextDep
from gridtokenx.gateway.errors import StatementNotFoundError
from gridtokenx.gateway.handlers import error_responses
from gridtokenx.gateway.statement_schemas import StatementPublic, statement_public
from gridtokenx.gateway.statement_service import StatementService
from gridtokenx.statements import Statement, render_csv, render_pdf

router = APIRouter(tags=["statements"])

# 403 is listed because every protected route documents 401 and 403 (tests/gateway/test_http.py);
# these routes admit every role, so none of them answers 403.
_STATUSES = (401, 403, 404, 422, 500, 503)
_JSON_ERRORS = error_responses(*_STATUSES)
# On the CSV and PDF routes FastAPI would list an error model under the route's own media type;
# errors are JSON everywhere, so they are declared with their content type spelled out.
_FILE_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {
        "description": "Error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }
    for status in _STATUSES
}

MonthPath = Annotated[
    str,
    Path(
        description="the month, YYYY-MM, in the statements' local time",
        examples=["2026-11"],
    ),
]
UserPath = Annotated[uuid.UUID, Path(description="the account's id")]


class CsvResponse(Response):
    media_type = "text/csv"


class PdfResponse(Response):
    media_type = "application/pdf"


_CSV: dict[int | str, dict[str, Any]] = {
    **_FILE_ERRORS,
    200: {
        "description": "The statement as CSV (see gridtokenx.statements.csv_format)",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    },
}
_PDF: dict[int | str, dict[str, Any]] = {
    **_FILE_ERRORS,
    200: {
        "description": "The statement as a PDF document",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    },
}


def _attachment(statement: Statement, extension: str) -> dict[str, str]:
    name = f"gridtokenx-statement-{statement.month}.{extension}"
    return {"Content-Disposition": f'attachment; filename="{name}"'}


async def _own(caller: Principal, context: ContextDep, month: str) -> Statement:
    service = StatementService(context.settings, context.engine)
    return await service.statement(caller.user_id, month)


async def _account(
    caller: Principal, context: ContextDep, user_id: uuid.UUID, month: str
) -> Statement:
    service = StatementService(context.settings, context.engine)
    if caller.role != "operator" and caller.user_id != user_id:
        service.month(month)  # a malformed month is 422 for everyone
        raise StatementNotFoundError(
            f"no statements for account {user_id}: it does not exist or is not yours",
            {"user_id": str(user_id)},
        )
    return await service.statement(user_id, month)


# Rendering a month of many fills takes CPU time: it runs in the worker's thread pool so the
# event loop keeps serving other requests meanwhile.
async def _csv(statement: Statement) -> CsvResponse:
    text = await run_in_threadpool(render_csv, statement)
    return CsvResponse(text, headers=_attachment(statement, "csv"))


async def _pdf(statement: Statement) -> PdfResponse:
    document = await run_in_threadpool(render_pdf, statement)
    return PdfResponse(document, headers=_attachment(statement, "pdf"))


# The .csv and .pdf routes come first: "{month}" alone would also match "2026-11.csv".
@router.get("/v1/me/statements/{month}.csv", response_class=CsvResponse, responses=_CSV)
async def my_statement_csv(month: MonthPath, caller: Caller, context: ContextDep) -> CsvResponse:
    """The caller's statement of ``month`` as CSV: one row per settled fill (with its
    ``settle`` signature), unsettled fill, mint (with its signature) and summary figure."""
    return await _csv(await _own(caller, context, month))


@router.get("/v1/me/statements/{month}.pdf", response_class=PdfResponse, responses=_PDF)
async def my_statement_pdf(month: MonthPath, caller: Caller, context: ContextDep) -> PdfResponse:
    """The caller's statement of ``month`` as a PDF document."""
    return await _pdf(await _own(caller, context, month))


@router.get("/v1/me/statements/{month}", responses=_JSON_ERRORS)
async def my_statement(month: MonthPath, caller: Caller, context: ContextDep) -> StatementPublic:
    """The caller's statement of ``month``: energy bought and sold (settled trades only),
    average prices, fees, savings against the zone's retail tariff, CO2 avoided, and every
    fill and mint with its transaction signature."""
    return statement_public(await _own(caller, context, month))


@router.get(
    "/v1/accounts/{user_id}/statements/{month}.csv", response_class=CsvResponse, responses=_CSV
)
async def account_statement_csv(
    user_id: UserPath, month: MonthPath, caller: Caller, context: ContextDep
) -> CsvResponse:
    """An account's statement as CSV (operators: any account; others: their own)."""
    return await _csv(await _account(caller, context, user_id, month))


@router.get(
    "/v1/accounts/{user_id}/statements/{month}.pdf", response_class=PdfResponse, responses=_PDF
)
async def account_statement_pdf(
    user_id: UserPath, month: MonthPath, caller: Caller, context: ContextDep
) -> PdfResponse:
    """An account's statement as PDF (operators: any account; others: their own)."""
    return await _pdf(await _account(caller, context, user_id, month))


@router.get("/v1/accounts/{user_id}/statements/{month}", responses=_JSON_ERRORS)
async def account_statement(
    user_id: UserPath, month: MonthPath, caller: Caller, context: ContextDep
) -> StatementPublic:
    """An account's statement (operators: any account; others: their own)."""
    return statement_public(await _account(caller, context, user_id, month))
