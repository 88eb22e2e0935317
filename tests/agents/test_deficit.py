"""A consumer's deficit (pure): it buys its import once, whatever fills, claims and cancels
happen in between."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from gridtokenx.agents.deficit import (
    DeficitBaseline,
    ImportReading,
    acquired_gxt,
    rebaseline,
    uncovered_import_gxt,
)
from gridtokenx.agents.strategy import (
    AgentRole,
    AgentState,
    CancelAction,
    OpenOrder,
    PlaceAction,
    StrategyParams,
    decide,
)
from gridtokenx.chain.trading.accounts import OrderSide

PARAMS = StrategyParams(
    reference_price_per_kwh=120_000,
    spread_bps=1_500,
    reserve_price_per_kwh=100_000,
    price_cap_per_kwh=150_000,
    reserve_gxt=1_000_000,
    min_order_gxt=10_000,
    max_order_gxt=2_000_000,
    max_open_orders=2,
    order_max_age_s=300,
    claim_grace_s=60,
)
START_MS = 1_795_000_000_000


def test_a_new_baseline_leaves_the_window_uncovered() -> None:
    reading = ImportReading(register_wh=5_000, window_wh=800)
    baseline = rebaseline(None, reading, acquired=123_000)
    assert baseline == DeficitBaseline(5_000, 800, 123_000)
    assert uncovered_import_gxt(baseline, reading, 123_000) == 800_000


def test_import_adds_to_the_deficit_and_purchases_take_from_it() -> None:
    baseline = DeficitBaseline(5_000, 800, 0)
    later = ImportReading(register_wh=5_300, window_wh=900)
    assert uncovered_import_gxt(baseline, later, acquired=0) == 1_100_000
    assert uncovered_import_gxt(baseline, later, acquired=1_000_123) == 99_877
    assert uncovered_import_gxt(baseline, later, acquired=5_000_000) == 0, "never negative"


def test_a_register_that_went_backwards_takes_a_new_baseline() -> None:
    baseline = DeficitBaseline(5_000, 800, 0)
    assert rebaseline(baseline, ImportReading(5_001, 10), 7) is baseline
    assert rebaseline(baseline, ImportReading(4_999, 10), 7) == DeficitBaseline(4_999, 10, 7)


def test_claimable_energy_of_bids_counts_as_acquired() -> None:
    bid = OpenOrder(
        order_id=1,
        side=OrderSide.BUY,
        price_per_kwh=1,
        quantity=10,
        filled=4,
        escrow=1,
        claimable_energy=4,
        claimable_quote=0,
        created_at_s=0,
    )
    ask = replace(bid, order_id=2, side=OrderSide.SELL, claimable_energy=99)
    assert acquired_gxt(1_000, [bid, ask]) == 1_004


steps = st.lists(
    st.tuples(
        st.integers(0, 3_000),  # Wh imported since the previous cycle
        st.integers(0, 100),  # percent of each open bid's remainder that fills
        st.booleans(),  # the settler claims the fills
        st.integers(1, 400),  # seconds until the next cycle
    ),
    min_size=1,
    max_size=25,
)


@given(st.integers(0, 5_000), st.integers(0, 10**5), steps)
@settings(max_examples=200)
def test_a_consumer_never_commits_to_more_than_it_imported(
    window_wh: int, start_register_wh: int, cycles: list[tuple[int, int, bool, int]]
) -> None:
    """Bought plus still bid for never exceeds the window at the start plus the import since,
    through fills, claims and stale cancels (a cancel returns the unfilled remainder)."""
    register = start_register_wh
    now_ms = START_MS
    wallet_gxt = 0
    orders: dict[int, OpenOrder] = {}
    baseline = None
    highest = 0
    imported_wh = window_wh
    for imported, fill_percent, claimed, pause_s in cycles:
        register += imported
        imported_wh += imported
        reading = ImportReading(register, window_wh)
        acquired = acquired_gxt(wallet_gxt, orders.values())
        baseline = rebaseline(baseline, reading, acquired)
        state = AgentState(
            role=AgentRole.CONSUMER,
            identity=bytes(32),
            now_ms=now_ms,
            gxt=wallet_gxt,
            usdc=10**12,
            open_orders=tuple(orders.values()),
            uncovered_import_gxt=uncovered_import_gxt(baseline, reading, acquired),
            highest_order_id=highest,
        )
        for action in decide(state, PARAMS, seed=11):
            if isinstance(action, CancelAction):
                cancelled = orders.pop(action.order_id)
                wallet_gxt += cancelled.claimable_energy
            elif isinstance(action, PlaceAction):
                highest = action.order_id
                orders[action.order_id] = OpenOrder(
                    order_id=action.order_id,
                    side=action.side,
                    price_per_kwh=action.price_per_kwh,
                    quantity=action.quantity,
                    filled=0,
                    escrow=action.escrow,
                    claimable_energy=0,
                    claimable_quote=0,
                    created_at_s=now_ms // 1000,
                )
        for order_id, order in list(orders.items()):
            fill = order.remaining * fill_percent // 100
            order = replace(
                order, filled=order.filled + fill, claimable_energy=order.claimable_energy + fill
            )
            if claimed:
                wallet_gxt += order.claimable_energy
                order = replace(order, claimable_energy=0)
            if claimed and order.remaining == 0:
                del orders[order_id]
            else:
                orders[order_id] = order
        committed = acquired_gxt(wallet_gxt, orders.values()) + sum(
            o.remaining for o in orders.values()
        )
        assert committed <= imported_wh * 1_000
        now_ms += pause_s * 1000
