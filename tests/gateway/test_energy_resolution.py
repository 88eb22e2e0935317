"""The pure parts of the energy and grid views: bucket widths and withheld zones."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.gateway.grid_view import MIN_ZONE_METERS, zone_live
from gridtokenx.gateway.readings_store import plan_resolution, readings_query


@given(
    span_ms=st.integers(1, 400 * 86_400_000),
    requested_s=st.none() | st.integers(1, 86_400),
    max_points=st.integers(1, 10_000),
)
def test_a_resolution_never_yields_more_points_than_the_bound(
    span_ms: int, requested_s: int | None, max_points: int
) -> None:
    resolution_s = plan_resolution(span_ms, requested_s, max_points)
    buckets = -(-span_ms // (resolution_s * 1000))
    assert buckets <= max_points
    assert resolution_s >= (requested_s or 1)
    if resolution_s > (requested_s or 1):
        # Coarsened only as far as needed: one second finer would pass the bound.
        assert -(-span_ms // ((resolution_s - 1) * 1000)) > max_points or resolution_s == 1


def test_a_resolution_needs_a_positive_span() -> None:
    with pytest.raises(ValueError, match="span_ms"):
        plan_resolution(0, None, 10)


def test_the_query_names_the_meter_and_the_retention_policy() -> None:
    meter_id = uuid.UUID("12345678-1234-4234-8234-123456789abc")
    statement = readings_query(meter_id, 1_000, 61_000, 60)
    assert statement == (
        'SELECT last("export_wh") AS export_wh, last("import_wh") AS import_wh '
        'FROM "readings"."readings" '
        "WHERE \"meter\" = '12345678-1234-4234-8234-123456789abc' "
        "AND time >= 1000ms AND time < 61000ms GROUP BY time(60s) fill(none)"
    )


@given(
    meter_count=st.integers(1, 1_000),
    production_wh=st.integers(0, 10**12),
    consumption_wh=st.integers(0, 10**12),
)
def test_small_zones_are_withheld(
    meter_count: int, production_wh: int, consumption_wh: int
) -> None:
    zone = zone_live(1, meter_count, production_wh, consumption_wh)
    if meter_count < MIN_ZONE_METERS:
        assert (zone.production_wh, zone.consumption_wh, zone.net_export_wh) == (None, None, None)
    else:
        assert zone.net_export_wh == production_wh - consumption_wh
