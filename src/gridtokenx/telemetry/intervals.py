"""15-minute interval rows from accepted readings (pure: no I/O).

Each row keeps the first and the last reading a meter had in the interval. Merging rows takes
the earlier first and the later last, so the same readings folded twice give the same row:
storage can upsert with LEAST/GREATEST and stay idempotent. The energy of an interval is its
last register minus the previous interval's last register.

:func:`fold_interval_arrays` folds a whole batch at once (numpy); :func:`fold_intervals` is the
same fold over :class:`~gridtokenx.telemetry.validation.Reading` objects.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

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


@dataclass(frozen=True)
class IntervalArrays:
    """Interval rows as columns: row ``i`` is the interval of the meter in slot ``meters[i]``."""

    meters: npt.NDArray[np.int64]
    interval_start_ms: npt.NDArray[np.int64]
    first_timestamp_ms: npt.NDArray[np.int64]
    last_timestamp_ms: npt.NDArray[np.int64]
    first_export_wh: npt.NDArray[np.uint64]
    last_export_wh: npt.NDArray[np.uint64]
    first_import_wh: npt.NDArray[np.uint64]
    last_import_wh: npt.NDArray[np.uint64]

    def rows(self, meter_ids: Sequence[uuid.UUID]) -> list[IntervalRow]:
        """The rows, slot ``s`` being meter ``meter_ids[s]``."""
        return [
            IntervalRow(meter_ids[slot], *values)
            for slot, *values in zip(
                self.meters.tolist(),
                self.interval_start_ms.tolist(),
                self.first_timestamp_ms.tolist(),
                self.last_timestamp_ms.tolist(),
                self.first_export_wh.tolist(),
                self.last_export_wh.tolist(),
                self.first_import_wh.tolist(),
                self.last_import_wh.tolist(),
                strict=True,
            )
        ]


def interval_start_ms(timestamp_ms: int) -> int:
    return timestamp_ms - timestamp_ms % INTERVAL_MS


def fold_interval_arrays(
    meters: npt.NDArray[np.int64],
    timestamp_ms: npt.NDArray[np.int64],
    export_wh: npt.NDArray[np.uint64],
    import_wh: npt.NDArray[np.uint64],
) -> IntervalArrays:
    """One row per (meter slot, interval) of readings ``i`` (of the meter in slot
    ``meters[i]``, in any order): its earliest and its latest reading."""
    starts = timestamp_ms - timestamp_ms % INTERVAL_MS
    order = np.lexsort((timestamp_ms, starts, meters))
    meter, start = meters[order], starts[order]
    opens = np.ones(len(order), np.bool_)
    if not len(order):
        return IntervalArrays(
            meters, starts, timestamp_ms, timestamp_ms, export_wh, export_wh, import_wh, import_wh
        )
    opens[1:] = (meter[1:] != meter[:-1]) | (start[1:] != start[:-1])
    first_positions = np.flatnonzero(opens)
    last_positions = np.append(first_positions[1:] - 1, len(order) - 1)
    first, last = order[first_positions], order[last_positions]
    return IntervalArrays(
        meter[first_positions],
        start[first_positions],
        timestamp_ms[first],
        timestamp_ms[last],
        export_wh[first],
        export_wh[last],
        import_wh[first],
        import_wh[last],
    )


def fold_intervals(readings: Iterable[Reading]) -> list[IntervalRow]:
    readings = list(readings)
    meter_ids = list(dict.fromkeys(reading.meter_id for reading in readings))
    slot_of = {meter_id: slot for slot, meter_id in enumerate(meter_ids)}
    return fold_interval_arrays(
        np.array([slot_of[r.meter_id] for r in readings], np.int64),
        np.array([r.timestamp_ms for r in readings], np.int64),
        np.array([r.export_wh for r in readings], np.uint64),
        np.array([r.import_wh for r in readings], np.uint64),
    ).rows(meter_ids)
