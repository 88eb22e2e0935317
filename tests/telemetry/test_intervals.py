from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.telemetry.intervals import INTERVAL_MS, fold_intervals, interval_start_ms
from gridtokenx.telemetry.validation import Reading


def _reading(meter: uuid.UUID, timestamp_ms: int, export_wh: int) -> Reading:
    return Reading(meter, export_wh, export_wh // 2, timestamp_ms, b"", b"")


def test_interval_boundaries() -> None:
    assert interval_start_ms(0) == 0
    assert interval_start_ms(INTERVAL_MS - 1) == 0
    assert interval_start_ms(INTERVAL_MS) == INTERVAL_MS


def test_rows_keep_first_and_last_reading_per_meter_and_interval() -> None:
    meter = uuid.uuid4()
    rows = fold_intervals(
        [_reading(meter, 1_000, 10), _reading(meter, 5_000, 30), _reading(meter, INTERVAL_MS, 40)]
    )
    assert [(r.interval_start_ms, r.first_export_wh, r.last_export_wh) for r in rows] == [
        (0, 10, 30),
        (INTERVAL_MS, 40, 40),
    ]


@given(
    times=st.lists(st.integers(0, 4 * INTERVAL_MS), min_size=1, max_size=30, unique=True),
    data=st.data(),
)
def test_folding_is_idempotent_and_order_free(times: list[int], data: st.DataObject) -> None:
    meter = uuid.uuid4()
    readings = [_reading(meter, t, t // 7) for t in sorted(times)]
    once = {(r.meter_id, r.interval_start_ms): r for r in fold_intervals(readings)}
    shuffled = data.draw(st.permutations(readings + readings))
    twice = {(r.meter_id, r.interval_start_ms): r for r in fold_intervals(shuffled)}
    assert once == twice
    for row in once.values():
        assert row.first_timestamp_ms <= row.last_timestamp_ms
        assert row.first_export_wh <= row.last_export_wh


@given(
    readings=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 3 * INTERVAL_MS)),
        max_size=40,
        unique_by=lambda reading: reading,
    ),
)
def test_a_batch_of_several_meters_folds_as_each_meter_alone(
    readings: list[tuple[int, int]],
) -> None:
    meters = [uuid.uuid4() for _ in range(4)]
    batch = [_reading(meters[m], t, t // 3) for m, t in readings]
    together = set(fold_intervals(batch))
    alone = {
        row for meter in meters for row in fold_intervals([r for r in batch if r.meter_id == meter])
    }
    assert together == alone
    assert len(together) == len({(m, interval_start_ms(t)) for m, t in readings})
