"""JSON-RPC 2.0 framing: decode a request body, call a method, encode the response.

Every failure becomes a JSON-RPC error object; nothing a client sends can stop the node.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from gridtokenx.chain.node.errors import (
    INTERNAL_ERROR,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    RpcError,
)

Call = Callable[[str, list[object]], object]
"""Runs one method with positional parameters; raises RpcError (``method_not_found`` too)."""

_log = logging.getLogger(__name__)


def method_not_found() -> RpcError:
    return RpcError(METHOD_NOT_FOUND, "Method not found")


def encode(document: object) -> str:
    return json.dumps(document, separators=(",", ":"))


def _error(request_id: object, error: RpcError) -> dict[str, object]:
    return {"jsonrpc": "2.0", "error": error.as_json(), "id": request_id}


def _handle_one(request: object, call: Call) -> dict[str, object] | None:
    if not isinstance(request, dict):
        return _error(None, RpcError(INVALID_REQUEST, "Invalid request"))
    request_id = request.get("id")
    is_notification = "id" not in request
    method = request.get("method")
    params = request.get("params", [])
    if params is None:
        params = []
    if request.get("jsonrpc") != "2.0" or not isinstance(method, str):
        return _error(request_id, RpcError(INVALID_REQUEST, "Invalid request"))
    if not isinstance(params, list):
        return _error(request_id, RpcError(-32602, "Invalid params: expected an array"))
    try:
        result = call(method, params)
    except RpcError as exc:
        response = _error(request_id, exc)
    except Exception as exc:  # a bug must cost one request, not the node
        _log.exception("%s failed", method)
        response = _error(request_id, RpcError(INTERNAL_ERROR, f"Internal error: {exc}"))
    except BaseException as exc:
        # solders raises pyo3 PanicException, a BaseException, on some malformed input.
        if not type(exc).__name__ == "PanicException":
            raise
        _log.error("%s panicked: %s", method, exc)
        response = _error(request_id, RpcError(INTERNAL_ERROR, f"Internal error: {exc}"))
    else:
        response = {"jsonrpc": "2.0", "result": result, "id": request_id}
    return None if is_notification else response


def handle_body(body: bytes | str, call: Call) -> str | None:
    """The response text for a request body (single or batch); None if nothing is owed."""
    try:
        request = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return encode(_error(None, RpcError(PARSE_ERROR, "Parse error")))
    if isinstance(request, list):
        if not request:
            return encode(_error(None, RpcError(INVALID_REQUEST, "Invalid request")))
        responses = [response for item in request if (response := _handle_one(item, call))]
        return encode(responses) if responses else None
    response = _handle_one(request, call)
    return None if response is None else encode(response)
