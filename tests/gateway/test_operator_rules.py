"""The operator routes' pure rules: tick and lot bounds, CSV cells (Hypothesis); consumer lag:
tests/pipeline_health/test_core.py."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.config import OrderBoundsSettings
from gridtokenx.gateway.audit import REASON_PATTERN
from gridtokenx.gateway.errors import MarketParameterError
from gridtokenx.gateway.operator_audit_log import csv_text
from gridtokenx.gateway.operator_market import check_tick_and_lot

BOUNDS = OrderBoundsSettings(
    min_price_per_kwh=1_000,
    max_price_per_kwh=10_000_000,
    min_quantity_gxt_base_units=1_000,
    max_quantity_gxt_base_units=1_000_000_000,
)


@given(tick=st.integers(-10, 20_000_000), lot=st.integers(-10, 2_000_000_000))
def test_a_tick_and_lot_are_accepted_exactly_when_some_price_and_quantity_fit(
    tick: int, lot: int
) -> None:
    def fits(step: int, low: int, high: int) -> bool:
        # The largest multiple of the step within the upper bound reaches the lower one.
        return step >= 1 and (high // step) * step >= low

    acceptable = fits(tick, BOUNDS.min_price_per_kwh, BOUNDS.max_price_per_kwh) and fits(
        lot, BOUNDS.min_quantity_gxt_base_units, BOUNDS.max_quantity_gxt_base_units
    )
    if acceptable:
        check_tick_and_lot(BOUNDS, tick=tick, lot=lot)
    else:
        with pytest.raises(MarketParameterError):
            check_tick_and_lot(BOUNDS, tick=tick, lot=lot)


def test_a_tick_without_a_multiple_in_the_price_bounds_is_refused() -> None:
    bounds = BOUNDS.model_copy(update={"min_price_per_kwh": 1_500, "max_price_per_kwh": 1_900})
    with pytest.raises(MarketParameterError) as refused:
        check_tick_and_lot(bounds, tick=1_000, lot=1_000)
    assert refused.value.details["parameter"] == "tick_per_kwh"
    check_tick_and_lot(bounds, tick=300, lot=1_000)  # 1,800 fits


@given(st.lists(st.lists(st.text(max_size=20), min_size=2, max_size=2), max_size=10))
def test_csv_round_trips_and_never_starts_a_cell_with_a_formula(rows: list[list[str]]) -> None:
    text = csv_text(("a", "b"), rows)
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[0] == ["a", "b"]
    assert len(parsed) == len(rows) + 1
    for original, exported in zip(rows, parsed[1:], strict=True):
        for value, cell in zip(original, exported, strict=True):
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")
            assert cell in (value, f"'{value}")


@given(st.text(max_size=20))
def test_a_reason_the_routes_accept_is_never_blank_for_the_audit_log(reason: str) -> None:
    # Schemathesis found "\x1e": a pattern with \S took it, Python's strip() removes it, and
    # the audit log refused it after the simulator had already changed.
    if re.fullmatch(REASON_PATTERN, reason):
        assert reason.strip()
        assert "\x00" not in reason


@pytest.mark.parametrize("reason", ["\x1e", " \t", "\x00x", ""])
def test_blank_or_nul_reasons_do_not_match(reason: str) -> None:
    assert re.fullmatch(REASON_PATTERN, reason) is None
