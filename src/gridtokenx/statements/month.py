"""Statement months: ``YYYY-MM`` in the statements' local time (a fixed UTC offset).

A month covers the local instants from its first day 00:00 (inclusive) to the next month's
first day 00:00 (exclusive). With ``utc_offset_minutes = 420`` (UTC+07:00), November 2026 is
``2026-10-31T17:00Z`` up to ``2026-11-30T17:00Z``. Daylight-saving time zones are not
supported: one offset holds for every instant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gridtokenx.statements.errors import MonthError

_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
MIN_YEAR = 1970
MAX_YEAR = 9998


@dataclass(frozen=True, slots=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR or not 1 <= self.month <= 12:
            raise MonthError(
                f"{self.year:04d}-{self.month:02d} is not a month between {MIN_YEAR}-01 and "
                f"{MAX_YEAR}-12"
            )

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"2026-11"`` → ``Month(2026, 11)``; anything else raises MonthError."""
        match = _MONTH_RE.fullmatch(text)
        if match is None:
            raise MonthError(f"{text[:32]!r} is not a month: write it as YYYY-MM, e.g. 2026-11")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def next(self) -> Month:
        if self.month == 12:
            return Month(self.year + 1, 1)
        return Month(self.year, self.month + 1)

    def start(self, utc_offset_minutes: int) -> datetime:
        """The month's first local instant, as a UTC datetime."""
        local = datetime(self.year, self.month, 1, tzinfo=UTC)
        return local - timedelta(minutes=utc_offset_minutes)

    def bounds_ms(self, utc_offset_minutes: int) -> tuple[int, int]:
        """``[start, end)`` of the month in Unix milliseconds."""
        start = self.start(utc_offset_minutes)
        end = self.next().start(utc_offset_minutes)
        return _unix_ms(start), _unix_ms(end)

    @classmethod
    def containing(cls, instant: datetime, utc_offset_minutes: int) -> Month:
        """The month that ``instant`` (timezone-aware) falls in, in local time."""
        local = instant.astimezone(UTC) + timedelta(minutes=utc_offset_minutes)
        return cls(local.year, local.month)


def _unix_ms(instant: datetime) -> int:
    delta = instant - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
