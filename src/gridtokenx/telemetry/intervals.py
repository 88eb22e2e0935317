"""15-minute interval rows from accepted readings (pure: no I/O).

Each row keeps the first and the last reading a meter had in the interval. Merging rows takes
the earlier first and the later last, so the same readings folded twice give the same row:
storage can upsert with LEAST/GREATEST and stay idempotent. The energy of an interval is its
last register minus the previous interval's last register.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from gridtokenx.telemetry.validation import Reading

INTERVAL_MS = 15 * 60 * 1000


@dataclass(frozen=True, slots=True)
class IntervalRow:
    meter_id: uuid.UUID
    interval_start_ms: int
    first_timestamp_ms: int
    last_timestamp_ms: int
    first_export_wh: int
    last_export_wh: int
    first_import_wh: int
    last_import_wh: int

    def merged(self, other: IntervalRow) -> IntervalRow:
        first = self if self.first_timestamp_ms <= other.first_timestamp_ms else other
        last = self if self.last_timestamp_ms >= other.last_timestamp_ms else other
        return IntervalRow(
            self.meter_id,
            self.interval_start_ms,
            first.first_timestamp_ms,
            last.last_timestamp_ms,
            first.first_export_wh,
            last.last_export_wh,
            first.first_import_wh,
            last.last_import_wh,
        )


def interval_start_ms(timestamp_ms: int) -> int:
    return timestamp_ms - timestamp_ms % INTERVAL_MS


def fold_intervals(readings: Iterable[Reading]) -> list[IntervalRow]:
    rows: dict[tuple[uuid.UUID, int], IntervalRow] = {}
    for reading in readings:
        start = interval_start_ms(reading.timestamp_ms)
        row = IntervalRow(
            reading.meter_id,
            start,
            reading.timestamp_ms,
            reading.timestamp_ms,
            reading.export_wh,
            reading.export_wh,
            reading.import_wh,
            reading.import_wh,
        )
        key = (reading.meter_id, start)
        existing = rows.get(key)
        rows[key] = row if existing is None else existing.merged(row)
    return list(rows.values())
