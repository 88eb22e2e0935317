"""Periodic uniform-price auctions: clearing price, allocation, IOC, expiry, indicative query."""

from __future__ import annotations

from gridtokenx.market import (
    AddOrder,
    AdvanceTime,
    AuctionCleared,
    CancelReason,
    MatchingEngine,
    OrderCancelled,
    Side,
    TimeInForce,
    Trade,
)
from tests.market.factories import INTERVAL_MS, auction_engine, fills, of_type, order, summaries

BUY, SELL = Side.BUY, Side.SELL


def _collect(*commands: AddOrder) -> MatchingEngine:
    engine = auction_engine()
    for command in commands:
        engine.apply(command)
    return engine


def test_orders_collect_without_trading_until_the_boundary() -> None:
    engine = _collect(order(1, SELL, 90, 5, owner="s"), order(2, BUY, 110, 5, owner="b"))

    assert engine.best(BUY) == (110, 5, 1)
    assert engine.best(SELL) == (90, 5, 1)
    assert engine.next_auction_ms == INTERVAL_MS


def test_all_crossing_orders_trade_at_the_one_volume_maximising_price() -> None:
    # Demand: 10 at >= 100, 20 at >= 95. Supply: 5 at <= 90, 10 at <= 100.
    # Volume: 5 at 90..99, 10 at 100: the price is 100.
    engine = _collect(
        order(1, SELL, 90, 5, owner="s1"),
        order(2, SELL, 100, 5, owner="s2"),
        order(3, BUY, 100, 10, owner="b1"),
        order(4, BUY, 95, 10, owner="b2"),
    )

    events = engine.apply(AdvanceTime(INTERVAL_MS))

    assert summaries(of_type(events, AuctionCleared)) == [("AuctionCleared", INTERVAL_MS, 100, 10)]
    assert fills(events) == [(3, 1, 100, 5), (3, 2, 100, 5)]
    assert {trade.maker_side for trade in of_type(events, Trade)} == {None}
    assert engine.depth(BUY) == [(95, 10, 1)]
    assert engine.depth(SELL) == []


def test_a_range_of_volume_maximising_prices_clears_at_its_midpoint_rounded_down() -> None:
    # Volume is 5 at every price from 90 (the ask) to 101 (the bid): (90 + 101) // 2 = 95.
    engine = _collect(order(1, SELL, 90, 5, owner="s"), order(2, BUY, 101, 5, owner="b"))

    assert engine.indicative_auction() == (95, 5, 5, 5)
    assert fills(engine.apply(AdvanceTime(INTERVAL_MS))) == [(2, 1, 95, 5)]


def test_the_long_side_fills_by_price_then_time_and_the_rest_stays_for_the_next_interval() -> None:
    engine = _collect(
        order(1, BUY, 100, 4, owner="b1"),
        order(2, BUY, 105, 4, owner="b2"),
        order(3, BUY, 100, 4, owner="b3"),
        order(4, SELL, 100, 10, owner="s"),
    )

    events = engine.apply(AdvanceTime(INTERVAL_MS))

    assert fills(events) == [(2, 4, 100, 4), (1, 4, 100, 4), (3, 4, 100, 2)]
    assert [(o.order_id, o.remaining) for o in engine.open_orders()] == [(3, 2)]


def test_unfilled_ioc_quantity_is_cancelled_after_the_clearing() -> None:
    engine = _collect(
        order(1, SELL, 100, 3, owner="s"),
        order(2, BUY, 100, 5, owner="b", time_in_force=TimeInForce.IOC),
        order(3, BUY, 90, 5, owner="b", time_in_force=TimeInForce.IOC),
    )

    events = engine.apply(AdvanceTime(INTERVAL_MS))

    assert fills(events) == [(2, 1, 100, 3)]
    assert summaries(of_type(events, OrderCancelled)) == [
        ("OrderCancelled", 2, 2, CancelReason.UNFILLED_REMAINDER),
        ("OrderCancelled", 3, 5, CancelReason.UNFILLED_REMAINDER),
    ]
    assert engine.open_orders() == []


def test_an_order_expiring_at_the_boundary_does_not_take_part() -> None:
    engine = _collect(
        order(1, SELL, 100, 5, owner="s", expiry_ms=INTERVAL_MS),
        order(2, SELL, 101, 5, owner="s"),
        order(3, BUY, 101, 5, owner="b"),
    )

    events = engine.apply(AdvanceTime(INTERVAL_MS))

    assert summaries(events)[0] == ("OrderExpired", 1, 5, INTERVAL_MS)
    assert fills(events) == [(3, 2, 101, 5)]


def test_an_order_arriving_at_the_boundary_joins_the_next_interval() -> None:
    engine = _collect(order(1, SELL, 100, 5, owner="s"))

    events = engine.apply(order(2, BUY, 100, 5, owner="b", timestamp_ms=INTERVAL_MS))

    assert summaries(events)[0] == ("AuctionCleared", INTERVAL_MS, None, 0)
    assert fills(events) == []
    assert fills(engine.apply(AdvanceTime(2 * INTERVAL_MS))) == [(2, 1, 100, 5)]


def test_a_jump_over_several_boundaries_clears_once_at_the_first() -> None:
    engine = _collect(order(1, SELL, 100, 5, owner="s"), order(2, BUY, 100, 5, owner="b"))

    events = engine.apply(AdvanceTime(5 * INTERVAL_MS + 1))

    assert [e.timestamp_ms for e in of_type(events, AuctionCleared)] == [INTERVAL_MS]
    assert engine.next_auction_ms == 6 * INTERVAL_MS


def test_an_empty_book_clears_silently() -> None:
    assert auction_engine().apply(AdvanceTime(3 * INTERVAL_MS)) == []


def test_a_new_order_cancels_the_same_owners_resting_orders_it_crosses() -> None:
    engine = _collect(
        order(1, SELL, 100, 5, owner="alice"),
        order(2, SELL, 103, 5, owner="alice"),
        order(3, SELL, 101, 5, owner="bob"),
    )

    events = engine.apply(order(4, BUY, 102, 5, owner="alice"))

    assert summaries(of_type(events, OrderCancelled)) == [
        ("OrderCancelled", 1, 5, CancelReason.SELF_TRADE_PREVENTION)
    ]
    assert [o.order_id for o in engine.open_orders()] == [2, 3, 4]


def test_the_indicative_auction_matches_the_clearing_and_changes_nothing() -> None:
    engine = _collect(
        order(1, SELL, 97, 6, owner="s1"),
        order(2, SELL, 99, 6, owner="s2"),
        order(3, BUY, 100, 4, owner="b1"),
        order(4, BUY, 98, 4, owner="b2"),
    )
    before = engine.snapshot()

    indicative = engine.indicative_auction()

    assert engine.snapshot() == before
    # Volume is 6 at 97 and 98 (demand 8, supply 6) and 4 above: the midpoint 97.5 rounds to 97.
    assert (indicative.price, indicative.volume) == (97, 6)
    assert (indicative.demand, indicative.supply) == (8, 6)
    events = engine.apply(AdvanceTime(INTERVAL_MS))
    (cleared,) = of_type(events, AuctionCleared)
    assert (cleared.price, cleared.volume) == (indicative.price, indicative.volume)


def test_a_book_that_does_not_cross_has_no_indicative_price() -> None:
    engine = _collect(order(1, SELL, 101, 5, owner="s"), order(2, BUY, 100, 5, owner="b"))

    assert engine.indicative_auction() == (None, 0, 0, 0)
