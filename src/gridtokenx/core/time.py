"""UTC timestamps: aware ``datetime`` objects in UTC, and unix seconds and milliseconds.

Every timestamp the platform stores or sends is an instant in UTC. A naive ``datetime`` (no
``tzinfo``) is refused because nothing says which clock it was read from; a ``datetime`` in
another zone is refused rather than converted, because one that is not UTC has come from a path
that skipped normalisation, which is worth finding. "UTC" means a zero offset *and* the zone
name ``"UTC"`` (``datetime.UTC``, ``zoneinfo.ZoneInfo("UTC")``, ``ZoneInfo("Etc/UTC")``): a zero
offset alone would accept ``Europe/London`` in winter and refuse it in summer.

Conversions to unix time round towards the past (floor), so a reading taken at 12:00:00.999
belongs to second 12:00:00 and is never moved into the future; conversions from unix time are
exact. No ``float`` is involved (``datetime.timestamp()`` returns one, which cannot hold most
microsecond instants exactly), and leap seconds do not exist in unix time, as on chain (Solana's
``Clock.unix_timestamp`` is an ``i64`` of unix seconds).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

from gridtokenx.core.errors import TimestampError

UNIX_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
"""1970-01-01T00:00:00Z, unix time 0."""

_ONE_SECOND: Final = timedelta(seconds=1)
_ONE_MILLISECOND: Final = timedelta(milliseconds=1)


def utc_now() -> datetime:
    """The current time as an aware ``datetime`` in UTC (the core's only clock read)."""
    return datetime.now(UTC)


def ensure_utc(value: datetime, name: str = "timestamp") -> datetime:
    """Return ``value`` with ``tzinfo=datetime.UTC`` if it is an aware datetime in UTC.

    Raises TimestampError if ``value`` is not a ``datetime``, is naive, or is in any zone but
    UTC; the message names ``name``, the value and the rule.
    """
    if not isinstance(value, datetime):
        raise TimestampError(
            f"{name} must be a datetime, got {value!r} ({type(value).__name__})", value
        )
    offset = value.utcoffset()
    if offset is None:
        raise TimestampError(
            f"{name}={value.isoformat()} is naive (no tzinfo); timestamps must be aware and "
            "in UTC, e.g. datetime.now(datetime.UTC)",
            value,
        )
    if offset != timedelta(0) or value.tzname() != "UTC":
        raise TimestampError(
            f"{name}={value.isoformat()} is in zone {value.tzname()!r}; timestamps must be "
            "in UTC (convert with .astimezone(datetime.UTC) where the zone is known to be right)",
            value,
        )
    return value if value.tzinfo is UTC else value.replace(tzinfo=UTC)


def to_unix_seconds(value: datetime) -> int:
    """Whole unix seconds of a UTC datetime, rounded down (towards the past)."""
    return (ensure_utc(value) - UNIX_EPOCH) // _ONE_SECOND


def to_unix_millis(value: datetime) -> int:
    """Whole unix milliseconds of a UTC datetime, rounded down (towards the past)."""
    return (ensure_utc(value) - UNIX_EPOCH) // _ONE_MILLISECOND


def _from_unix(amount: object, unit: timedelta, name: str) -> datetime:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TimestampError(
            f"{name} must be an int, got {amount!r} ({type(amount).__name__})", amount
        )
    try:
        return UNIX_EPOCH + amount * unit
    except OverflowError as exc:
        raise TimestampError(
            f"{name}={amount} is outside the datetime range (years 1 to 9999)", amount
        ) from exc


def from_unix_seconds(unix_seconds: int) -> datetime:
    """The aware UTC datetime of ``unix_seconds`` (exact). Raises TimestampError if out of range."""
    return _from_unix(unix_seconds, _ONE_SECOND, "unix_seconds")


def from_unix_millis(unix_millis: int) -> datetime:
    """The aware UTC datetime of ``unix_millis`` (exact). Raises TimestampError if out of range."""
    return _from_unix(unix_millis, _ONE_MILLISECOND, "unix_millis")
