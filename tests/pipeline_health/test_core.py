"""The pipeline health reader's pure core: each partition's lag (Hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.pipeline_health import partition_lag


def test_lag_counts_from_the_commit_or_else_from_the_low_watermark() -> None:
    rows = partition_lag({0: (0, 10), 1: (4, 9), 2: (0, 0)}, {0: 7, 2: None})
    assert rows == [
        {"partition": 0, "committed": 7, "end": 10, "lag": 3},
        {"partition": 1, "committed": None, "end": 9, "lag": 5},
        {"partition": 2, "committed": None, "end": 0, "lag": 0},
    ]


@given(
    st.dictionaries(
        st.integers(0, 20),
        st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)).map(sorted).map(tuple),
        max_size=8,
    ),
    st.data(),
)
def test_lag_is_never_negative_and_counts_what_lies_after_the_commit(
    ends: dict[int, tuple[int, int]], data: st.DataObject
) -> None:
    committed = {partition: data.draw(st.none() | st.integers(0, 2 * 10**6)) for partition in ends}
    rows = partition_lag(ends, committed)
    assert [row["partition"] for row in rows] == sorted(ends)
    for row in rows:
        low, high = ends[int(row["partition"] or 0)]
        start = low if row["committed"] is None else max(int(row["committed"]), low)
        assert row["lag"] == max(high - start, 0)
        assert row["end"] == high
