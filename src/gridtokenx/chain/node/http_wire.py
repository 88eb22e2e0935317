"""HTTP/1.1 framing for the JSON-RPC endpoint: parse requests from a byte stream, build responses.

Pure (no sockets). It covers what RPC clients send: keep-alive and pipelined requests, bodies by
Content-Length or chunked transfer coding, ``Expect: 100-continue``, and CORS for browsers.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_HEADER_BYTES = 16 * 1024
MAX_BODY_BYTES = 1 << 20

_REASONS = {
    100: "Continue",
    200: "OK",
    204: "No Content",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    431: "Request Header Fields Too Large",
    501: "Not Implemented",
}
_CORS_HEADERS = (
    b"Access-Control-Allow-Origin: *\r\n"
    b"Access-Control-Allow-Methods: POST, GET, OPTIONS\r\n"
    b"Access-Control-Allow-Headers: content-type, solana-client\r\n"
)
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class HttpFramingError(Exception):
    """A request that cannot be framed; the connection answers ``status`` and closes."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    keep_alive: bool


@dataclass
class _Head:
    method: str
    path: str
    headers: dict[str, str]
    keep_alive: bool
    content_length: int | None
    chunked: bool
    body_start: int


class HttpRequestParser:
    """Feed bytes in; take complete requests out, in order."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._head: _Head | None = None
        self.continue_owed = False
        """True once a request's head asked for ``100 Continue`` and its body is still missing."""

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def next_request(self) -> HttpRequest | None:
        """The next complete request, None if more bytes are needed; raises HttpFramingError."""
        if self._head is None:
            self._head = self._parse_head()
            if self._head is None:
                return None
            self.continue_owed = self._head.headers.get("expect", "").lower() == "100-continue"
        head = self._head
        if head.chunked:
            framed = self._chunked_body(head.body_start)
            if framed is None:
                return None
            body, end = framed
        else:
            end = head.body_start + (head.content_length or 0)
            if len(self._buffer) < end:
                return None
            body = bytes(self._buffer[head.body_start : end])
        del self._buffer[:end]
        self._head = None
        self.continue_owed = False
        return HttpRequest(head.method, head.path, head.headers, body, head.keep_alive)

    def _parse_head(self) -> _Head | None:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > MAX_HEADER_BYTES:
                raise HttpFramingError(431, "request headers too large")
            return None
        if end > MAX_HEADER_BYTES:
            raise HttpFramingError(431, "request headers too large")
        try:
            lines = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
            method, target, version = lines[0].split(" ")
        except ValueError as exc:
            raise HttpFramingError(400, "malformed request line") from exc
        if version not in ("HTTP/1.1", "HTTP/1.0"):
            raise HttpFramingError(400, f"unsupported protocol {version!r}")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip():
                raise HttpFramingError(400, "malformed header line")
            headers[name.lower()] = value.strip()
        connection = headers.get("connection", "").lower()
        keep_alive = connection != "close" and (version == "HTTP/1.1" or connection == "keep-alive")
        transfer_coding = headers.get("transfer-encoding", "").lower()
        if transfer_coding not in ("", "chunked"):
            raise HttpFramingError(501, f"unsupported transfer coding {transfer_coding!r}")
        content_length = None
        if "content-length" in headers:
            if transfer_coding:
                raise HttpFramingError(400, "both Content-Length and Transfer-Encoding")
            text = headers["content-length"]
            if not text.isdigit():
                raise HttpFramingError(400, "invalid Content-Length")
            content_length = int(text)
            if content_length > MAX_BODY_BYTES:
                raise HttpFramingError(413, f"request body over {MAX_BODY_BYTES} bytes")
        return _Head(
            method=method,
            path=target.partition("?")[0],
            headers=headers,
            keep_alive=keep_alive,
            content_length=content_length,
            chunked=transfer_coding == "chunked",
            body_start=end + 4,
        )

    def _chunked_body(self, start: int) -> tuple[bytes, int] | None:
        body = bytearray()
        position = start
        while True:
            line_end = self._buffer.find(b"\r\n", position)
            if line_end < 0:
                return None
            size_text = bytes(self._buffer[position:line_end]).split(b";")[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError as exc:
                raise HttpFramingError(400, "malformed chunk size") from exc
            if len(body) + size > MAX_BODY_BYTES:
                raise HttpFramingError(413, f"request body over {MAX_BODY_BYTES} bytes")
            data_start = line_end + 2
            if size == 0:
                trailer_end = self._buffer.find(b"\r\n\r\n", line_end)
                if self._buffer[data_start : data_start + 2] == b"\r\n":
                    return bytes(body), data_start + 2
                return None if trailer_end < 0 else (bytes(body), trailer_end + 4)
            if len(self._buffer) < data_start + size + 2:
                return None
            body += self._buffer[data_start : data_start + size]
            position = data_start + size + 2


def response(
    status: int, body: bytes, *, keep_alive: bool, content_type: str = "application/json"
) -> bytes:
    head = (
        f"HTTP/1.1 {status} {_REASONS[status]}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
    ).encode()
    connection = b"" if keep_alive else b"Connection: close\r\n"
    return head + connection + _CORS_HEADERS + b"\r\n" + body
