from __future__ import annotations

import pytest

from gridtokenx.chain.node.http_wire import (
    MAX_BODY_BYTES,
    HttpFramingError,
    HttpRequest,
    HttpRequestParser,
    response,
)


def _requests(*chunks: bytes) -> list[HttpRequest]:
    parser = HttpRequestParser()
    found = []
    for chunk in chunks:
        parser.feed(chunk)
        while (request := parser.next_request()) is not None:
            found.append(request)
    return found


def _framing_status(data: bytes) -> int:
    parser = HttpRequestParser()
    parser.feed(data)
    with pytest.raises(HttpFramingError) as raised:
        parser.next_request()
    return raised.value.status


POST = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n"


def test_pipelined_requests_split_anywhere_come_out_in_order() -> None:
    stream = POST + b'{"a":1}' + POST + b'{"a":2}'
    for cut in range(len(stream)):
        requests = _requests(stream[:cut], stream[cut:])
        assert [request.body for request in requests] == [b'{"a":1}', b'{"a":2}']
        assert all(request.keep_alive for request in requests)


def test_chunked_bodies_are_reassembled() -> None:
    head = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    body = b'3\r\n{"a\r\n4;ext=1\r\n":1}\r\n0\r\n\r\n'
    stream = head + body + POST + b'{"a":2}'
    for cut in range(len(stream)):
        requests = _requests(stream[:cut], stream[cut:])
        assert [request.body for request in requests] == [b'{"a":1}', b'{"a":2}']


def test_connection_semantics_and_paths() -> None:
    (closing,) = _requests(b"GET /health?x=1 HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert (closing.method, closing.path, closing.keep_alive) == ("GET", "/health", False)
    (old,) = _requests(b"GET / HTTP/1.0\r\n\r\n")
    assert not old.keep_alive
    (old_kept,) = _requests(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    assert old_kept.keep_alive


def test_expect_continue_is_owed_until_the_body_arrives() -> None:
    parser = HttpRequestParser()
    parser.feed(b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
    assert parser.next_request() is None
    assert parser.continue_owed
    parser.feed(b"{}")
    request = parser.next_request()
    assert request is not None
    assert request.body == b"{}"
    assert not parser.continue_owed


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"NONSENSE\r\n\r\n", 400),
        (b"GET / HTTP/2.0\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nbad header\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        (f"POST / HTTP/1.1\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n\r\n".encode(), 413),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        (b"GET / HTTP/1.1\r\nX: " + b"a" * 20_000, 431),
    ],
)
def test_unframeable_requests_get_an_http_error_status(data: bytes, status: int) -> None:
    assert _framing_status(data) == status


def test_responses_carry_length_cors_and_connection() -> None:
    kept = response(200, b"{}", keep_alive=True)
    assert kept.startswith(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    assert b"Content-Length: 2\r\n" in kept
    assert b"Access-Control-Allow-Origin: *\r\n" in kept
    assert kept.endswith(b"\r\n\r\n{}")
    assert b"Connection: close\r\n" not in kept
    assert b"Connection: close\r\n" in response(400, b"", keep_alive=False)
