from __future__ import annotations

import json

import pytest

from gridtokenx.chain.node.errors import RpcError, invalid_params
from gridtokenx.chain.node.protocol import handle_body, method_not_found


class PanicException(BaseException):
    """Stands in for pyo3's PanicException, which is matched by name."""


def _call(method: str, params: list[object]) -> object:
    if method == "echo":
        return params
    if method == "bad":
        raise invalid_params("no")
    if method == "bug":
        raise ZeroDivisionError
    if method == "panic":
        raise PanicException("rust panicked")
    raise method_not_found()


def _reply(body: str) -> object:
    text = handle_body(body, _call)
    assert text is not None
    return json.loads(text)


def _error_code(body: str) -> object:
    reply = _reply(body)
    assert isinstance(reply, dict)
    return reply["error"]["code"]


def test_results_and_errors_carry_the_request_id() -> None:
    assert _reply('{"jsonrpc":"2.0","id":"a","method":"echo","params":[1]}') == {
        "jsonrpc": "2.0",
        "result": [1],
        "id": "a",
    }
    assert _error_code('{"jsonrpc":"2.0","id":1,"method":"bad"}') == -32602
    assert _error_code('{"jsonrpc":"2.0","id":1,"method":"nope"}') == -32601


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{", -32700),
        (b"\xff\xfe".decode("latin-1"), -32700),
        ("[]", -32600),
        ("3", -32600),
        ('{"jsonrpc":"1.0","id":1,"method":"echo"}', -32600),
        ('{"jsonrpc":"2.0","id":1,"method":5}', -32600),
        ('{"jsonrpc":"2.0","id":1,"method":"echo","params":{"a":1}}', -32602),
        ('{"jsonrpc":"2.0","id":1,"method":"bug"}', -32603),
        ('{"jsonrpc":"2.0","id":1,"method":"panic"}', -32603),
    ],
)
def test_malformed_requests_get_standard_codes(body: str, code: int) -> None:
    assert _error_code(body) == code


def test_notifications_get_no_reply_and_batches_answer_each_call() -> None:
    assert handle_body('{"jsonrpc":"2.0","method":"echo"}', _call) is None
    batch = _reply(
        '[{"jsonrpc":"2.0","id":1,"method":"echo","params":[]},'
        '{"jsonrpc":"2.0","method":"echo"},{"jsonrpc":"2.0","id":2,"method":"nope"}]'
    )
    assert isinstance(batch, list)
    assert [each["id"] for each in batch] == [1, 2]


def test_rpc_errors_serialise_their_data() -> None:
    assert RpcError(-32002, "failed", {"err": None}).as_json() == {
        "code": -32002,
        "message": "failed",
        "data": {"err": None},
    }
