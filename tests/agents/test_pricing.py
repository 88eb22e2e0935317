"""Price draws and order ids (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridtokenx.agents.errors import OrderIdExhaustedError
from gridtokenx.agents.pricing import drawn_price, next_order_id, spread_half_width


@given(
    st.integers(1, 10**12),
    st.integers(0, 10_000),
    st.integers(0, 2**64 - 1),
    st.binary(min_size=32, max_size=32),
    st.integers(0, 2**64 - 1),
)
def test_a_draw_is_within_the_band_and_repeatable(
    reference: int, spread_bps: int, seed: int, identity: bytes, order_id: int
) -> None:
    price = drawn_price(reference, spread_bps, seed, identity, order_id)
    half = spread_half_width(reference, spread_bps)
    assert max(1, reference - half) <= price <= reference + half
    assert price == drawn_price(reference, spread_bps, seed, identity, order_id)


def test_no_spread_draws_the_reference() -> None:
    assert {drawn_price(120_000, 0, seed, bytes(32), 1) for seed in range(50)} == {120_000}


def test_draws_cover_the_band() -> None:
    prices = [drawn_price(1_000, 1_000, 0, bytes(32), order_id) for order_id in range(2_000)]
    assert min(prices) == 900
    assert max(prices) == 1_100


@given(st.integers(0, 2**63), st.integers(0, 2**63))
def test_order_ids_follow_the_clock_and_exceed_every_seen_id(now_ms: int, seen: int) -> None:
    order_id = next_order_id(now_ms, seen)
    assert order_id > seen
    assert order_id >= now_ms


def test_order_ids_end_at_the_largest_u64() -> None:
    assert next_order_id(0, 2**64 - 2) == 2**64 - 1
    with pytest.raises(OrderIdExhaustedError):
        next_order_id(0, 2**64 - 1)
