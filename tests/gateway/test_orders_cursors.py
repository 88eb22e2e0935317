"""Pagination cursors: opaque, round-trip exactly, and bound to their listing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.gateway.order_errors import CursorInvalidError
from gridtokenx.gateway.order_repository import decode_cursor, encode_cursor


@given(st.integers(0, 2**64 - 1), st.text(max_size=60), st.integers(0, 2**64 - 1))
def test_a_cursor_round_trips(timestamp: int, market: str, trade: int) -> None:
    cursor = encode_cursor("fills", (timestamp, market, trade))
    assert cursor.isascii()
    assert "=" not in cursor
    assert decode_cursor("fills", cursor, (int, str, int)) == [timestamp, market, trade]


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not a cursor",
        encode_cursor("orders", (1, "x")),
        encode_cursor("fills", (1, "m")),
        encode_cursor("fills", ("1", "m", 1)),
        encode_cursor("fills", (True, "m", 1)),
    ],
)
def test_foreign_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(CursorInvalidError):
        decode_cursor("fills", cursor, (int, str, int))
