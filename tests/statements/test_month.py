"""Statement months: parsing, bounds in local time, the month of an instant."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.statements import Month, MonthError
from tests.statements.strategies import MONTHS


def test_bounds_in_bangkok_time() -> None:
    start, end = Month.parse("2026-11").bounds_ms(420)
    assert start == int(datetime(2026, 10, 31, 17, tzinfo=UTC).timestamp() * 1000)
    assert end == int(datetime(2026, 11, 30, 17, tzinfo=UTC).timestamp() * 1000)
    december = Month(2026, 12)
    assert december.next() == Month(2027, 1)
    assert december.bounds_ms(0)[1] == int(datetime(2027, 1, 1, tzinfo=UTC).timestamp() * 1000)


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-00",
        "2026-1",
        "26-11",
        "2026/11",
        "2026-11-01",
        "",
        "abcd-ef",
        "1969-12",
        "9999-01",
        "\uff12\uff10\uff12\uff16-11",  # full-width digits,
    ],
)
def test_malformed_months_are_refused(text: str) -> None:
    with pytest.raises(MonthError):
        Month.parse(text)


@given(MONTHS, st.integers(-14 * 60, 14 * 60))
def test_months_tile_time(month: Month, offset: int) -> None:
    start, end = month.bounds_ms(offset)
    assert start < end
    assert month.next().bounds_ms(offset)[0] == end
    assert Month.parse(str(month)) == month
    first = datetime.fromtimestamp(start / 1000, UTC)
    last = datetime.fromtimestamp((end - 1) / 1000, UTC)
    assert Month.containing(first, offset) == month
    assert Month.containing(last, offset) == month
