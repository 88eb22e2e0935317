"""UTC timestamps: only aware UTC datetimes, exact integer unix conversions rounded down."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.core import (
    UNIX_EPOCH,
    TimestampError,
    ensure_utc,
    from_unix_millis,
    from_unix_seconds,
    to_unix_millis,
    to_unix_seconds,
    utc_now,
)

utc_datetimes = st.datetimes(timezones=st.just(UTC))
# Unix seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
FIRST_SECOND = -62_135_596_800
LAST_SECOND = 253_402_300_799


@pytest.mark.parametrize(
    "tzinfo",
    [UTC, timezone(timedelta(0)), ZoneInfo("UTC"), ZoneInfo("Etc/UTC")],
)
def test_ensure_utc_accepts_utc_zones_and_normalises_them(tzinfo: timezone | ZoneInfo) -> None:
    value = datetime(2025, 6, 1, 12, 30, tzinfo=tzinfo)
    result = ensure_utc(value)
    assert result == value
    assert result.tzinfo is UTC


def test_ensure_utc_refuses_naive_datetimes() -> None:
    with pytest.raises(TimestampError, match=r"read_at=2025-06-01T12:00:00 is naive") as caught:
        ensure_utc(datetime(2025, 6, 1, 12), "read_at")
    assert caught.value.value == datetime(2025, 6, 1, 12)


@pytest.mark.parametrize(
    "tzinfo",
    [
        timezone(timedelta(hours=1)),
        timezone(timedelta(hours=-5)),
        timezone(timedelta(0), "Z"),  # a zero offset under another name is not UTC
        ZoneInfo("Europe/London"),  # +00:00 in January, still refused
        ZoneInfo("Asia/Bangkok"),
    ],
)
def test_ensure_utc_refuses_other_zones(tzinfo: timezone | ZoneInfo) -> None:
    value = datetime(2025, 1, 15, 12, tzinfo=tzinfo)
    with pytest.raises(TimestampError, match=r"timestamp=2025-01-15T12:00:00.* is in zone"):
        ensure_utc(value)


@pytest.mark.parametrize("value", [date(2025, 1, 1), "2025-01-01T00:00:00Z", 1_700_000_000, None])
def test_ensure_utc_refuses_what_is_not_a_datetime(value: object) -> None:
    with pytest.raises(TimestampError, match="timestamp must be a datetime"):
        ensure_utc(value)  # type: ignore[arg-type]


def test_utc_now_is_aware_utc() -> None:
    now = utc_now()
    assert now.tzinfo is UTC
    assert ensure_utc(now) == now


@pytest.mark.parametrize(
    ("value", "seconds", "millis"),
    [
        (UNIX_EPOCH, 0, 0),
        (datetime(2023, 11, 14, 22, 13, 20, 123_999, tzinfo=UTC), 1_700_000_000, 1_700_000_000_123),
        # Before the epoch, rounding down goes further into the past, not towards zero.
        (datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC), -1, -500),
        (datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC), -1, -1),
        (datetime.min.replace(tzinfo=UTC), FIRST_SECOND, FIRST_SECOND * 1_000),
    ],
)
def test_unix_conversions_known_values(value: datetime, seconds: int, millis: int) -> None:
    assert to_unix_seconds(value) == seconds
    assert to_unix_millis(value) == millis


def test_to_unix_refuses_what_ensure_utc_refuses() -> None:
    with pytest.raises(TimestampError, match="naive"):
        to_unix_seconds(datetime(2025, 1, 1))
    with pytest.raises(TimestampError, match="in zone"):
        to_unix_millis(datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=7))))


def test_from_unix_range_boundaries() -> None:
    assert from_unix_seconds(LAST_SECOND) == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert from_unix_seconds(FIRST_SECOND) == datetime.min.replace(tzinfo=UTC)
    for bad in (LAST_SECOND + 1, FIRST_SECOND - 1, 2**63, -(2**63), 10**30):
        with pytest.raises(TimestampError, match=f"unix_seconds={bad} is outside"):
            from_unix_seconds(bad)
    with pytest.raises(TimestampError, match=r"unix_millis=\d+ is outside"):
        from_unix_millis((LAST_SECOND + 1) * 1_000)


@pytest.mark.parametrize("value", [1.5, 1.0, True, "1700000000", None])
def test_from_unix_refuses_non_ints(value: object) -> None:
    with pytest.raises(TimestampError, match="unix_seconds must be an int"):
        from_unix_seconds(value)  # type: ignore[arg-type]
    with pytest.raises(TimestampError, match="unix_millis must be an int"):
        from_unix_millis(value)  # type: ignore[arg-type]


@given(st.integers(FIRST_SECOND, LAST_SECOND))
def test_seconds_round_trip(seconds: int) -> None:
    value = from_unix_seconds(seconds)
    assert value.tzinfo is UTC
    assert to_unix_seconds(value) == seconds


@given(st.integers(FIRST_SECOND * 1_000, LAST_SECOND * 1_000 + 999))
def test_millis_round_trip(millis: int) -> None:
    assert to_unix_millis(from_unix_millis(millis)) == millis


@given(utc_datetimes)
def test_conversions_round_down_and_lose_only_the_sub_unit(value: datetime) -> None:
    seconds, millis = to_unix_seconds(value), to_unix_millis(value)
    assert timedelta(0) <= value - from_unix_seconds(seconds) < timedelta(seconds=1)
    assert timedelta(0) <= value - from_unix_millis(millis) < timedelta(milliseconds=1)
    assert seconds == millis // 1_000


@given(utc_datetimes, utc_datetimes)
def test_conversions_are_monotonic(first: datetime, second: datetime) -> None:
    first, second = sorted((first, second))
    assert to_unix_seconds(first) <= to_unix_seconds(second)
    assert to_unix_millis(first) <= to_unix_millis(second)
