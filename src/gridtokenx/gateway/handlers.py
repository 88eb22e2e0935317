"""One place that turns every error into the ``{code, message, details}`` body.

Stable codes besides those of :mod:`gridtokenx.gateway.errors`: ``validation_failed`` (422:
body, query or path parameters that do not fit the schema, malformed JSON included),
``not_found`` (404: no such route), ``method_not_allowed`` (405), ``http_error`` (any other
protocol-level refusal); ``internal_error`` (500) comes from the request middleware.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from gridtokenx.gateway.errors import GatewayError, UnavailableError
from gridtokenx.gateway.schemas import ErrorBody

RETRY_AFTER_S = 5
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def error_json(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    body = ErrorBody(code=code, message=message, details=details or {})
    return JSONResponse(status_code=status, content=body.model_dump(mode="json"))


async def _gateway_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GatewayError)
    response = error_json(exc.status, exc.code, exc.message, exc.details)
    if isinstance(exc, UnavailableError):
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    if exc.status == 429 and isinstance(exc.details.get("retry_after_s"), int):
        response.headers["Retry-After"] = str(exc.details["retry_after_s"])
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "location": [str(part) for part in error.get("loc", ())],
            "message": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors()
    ]
    return error_json(
        422,
        "validation_failed",
        "the request does not match the route's schema",
        {"errors": errors},
    )


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    message = {
        404: "no such route: see /openapi.json",
        405: "this route does not accept that method",
    }.get(exc.status_code, str(exc.detail))
    response = error_json(exc.status_code, code, message)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(GatewayError, _gateway_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries: each status answers with :class:`ErrorBody`."""
    return {status: {"model": ErrorBody} for status in statuses}
