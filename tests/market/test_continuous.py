"""Continuous matching: priority, partial fills, order types, self-trade prevention, expiry."""

from __future__ import annotations

from gridtokenx.market import (
    AdvanceTime,
    BookDelta,
    CancelOrder,
    CancelReason,
    CommandRejected,
    OrderAccepted,
    OrderCancelled,
    OrderExpired,
    OrderFilled,
    RejectReason,
    Side,
    TimeInForce,
    Trade,
)
from tests.market.factories import continuous_engine, fills, of_type, order, summaries

BUY, SELL = Side.BUY, Side.SELL
IOC, FOK = TimeInForce.IOC, TimeInForce.FOK


def test_a_limit_order_that_does_not_cross_rests_and_reports_its_level() -> None:
    engine = continuous_engine()

    events = engine.apply(order(1, BUY, 100, 5))

    assert summaries(events) == [
        ("OrderAccepted", 1, "alice", BUY, 100, 5),
        ("BookDelta", BUY, 100, 5, 1),
    ]
    assert engine.best(BUY) == (100, 5, 1)
    assert engine.best(SELL) is None


def test_the_best_price_trades_first_at_the_makers_price() -> None:
    engine = continuous_engine()
    engine.apply(order(1, SELL, 103, 5, owner="s1"))
    engine.apply(order(2, SELL, 101, 5, owner="s2"))
    engine.apply(order(3, SELL, 102, 5, owner="s3"))

    events = engine.apply(order(4, BUY, 105, 12, owner="b"))

    assert fills(events) == [(4, 2, 101, 5), (4, 3, 102, 5), (4, 1, 103, 2)]
    assert {trade.maker_side for trade in of_type(events, Trade)} == {SELL}
    assert engine.depth(SELL) == [(103, 3, 1)]
    assert [filled.order_id for filled in of_type(events, OrderFilled)] == [2, 3, 4]


def test_at_one_price_the_oldest_order_trades_first_and_keeps_its_place_when_partly_filled() -> (
    None
):
    engine = continuous_engine()
    engine.apply(order(1, BUY, 100, 5, owner="b1"))
    engine.apply(order(2, BUY, 100, 5, owner="b2"))

    assert fills(engine.apply(order(3, SELL, 100, 3, owner="s"))) == [(1, 3, 100, 3)]
    assert fills(engine.apply(order(4, SELL, 99, 4, owner="s"))) == [(1, 4, 100, 2), (2, 4, 100, 2)]
    assert [(o.order_id, o.remaining) for o in engine.open_orders()] == [(2, 3)]


def test_a_buy_never_trades_above_its_limit_and_the_rest_joins_the_book() -> None:
    engine = continuous_engine()
    engine.apply(order(1, SELL, 100, 5, owner="s"))
    engine.apply(order(2, SELL, 102, 5, owner="s"))

    events = engine.apply(order(3, BUY, 101, 8, owner="b"))

    assert fills(events) == [(3, 1, 100, 5)]
    assert engine.depth(BUY) == [(101, 3, 1)]
    assert engine.depth(SELL) == [(102, 5, 1)]
    assert summaries(events[-1:]) == [("BookDelta", BUY, 101, 3, 1)]


def test_ioc_fills_what_it_can_and_cancels_the_rest() -> None:
    engine = continuous_engine()
    engine.apply(order(1, SELL, 100, 5, owner="s"))

    events = engine.apply(order(2, BUY, 100, 8, owner="b", time_in_force=IOC))

    assert fills(events) == [(2, 1, 100, 5)]
    assert summaries(of_type(events, OrderCancelled)) == [
        ("OrderCancelled", 2, 3, CancelReason.UNFILLED_REMAINDER)
    ]
    assert engine.open_orders() == []


def test_fok_fills_completely_or_is_rejected_without_any_effect() -> None:
    engine = continuous_engine()
    engine.apply(order(1, SELL, 100, 5, owner="s1"))
    engine.apply(order(2, SELL, 101, 5, owner="s2"))
    before = engine.open_orders()

    rejected = engine.apply(order(3, BUY, 101, 11, owner="b", time_in_force=FOK))
    after_reject = engine.open_orders()
    filled = engine.apply(order(4, BUY, 101, 10, owner="b", time_in_force=FOK))

    assert [type(event) for event in rejected] == [CommandRejected]
    assert [e.reason for e in of_type(rejected, CommandRejected)] == [RejectReason.FOK_NOT_FILLABLE]
    assert after_reject == before
    assert fills(filled) == [(4, 1, 100, 5), (4, 2, 101, 5)]


def test_fok_does_not_count_the_owners_own_resting_orders() -> None:
    engine = continuous_engine()
    engine.apply(order(1, SELL, 100, 5, owner="alice"))
    engine.apply(order(2, SELL, 100, 5, owner="bob"))

    events = engine.apply(order(3, BUY, 100, 6, owner="alice", time_in_force=FOK))

    assert [e.reason for e in of_type(events, CommandRejected)] == [RejectReason.FOK_NOT_FILLABLE]
    assert len(engine.open_orders()) == 2


def test_post_only_rests_unless_it_would_cross() -> None:
    engine = continuous_engine()
    engine.apply(order(1, SELL, 100, 5, owner="s"))

    crossing = engine.apply(order(2, BUY, 100, 5, owner="b", post_only=True))
    passive = engine.apply(order(3, BUY, 99, 5, owner="b", post_only=True))

    assert [e.reason for e in of_type(crossing, CommandRejected)] == [
        RejectReason.POST_ONLY_WOULD_CROSS
    ]
    assert fills(passive) == []
    assert engine.best(BUY) == (99, 5, 1)


def test_a_market_order_trades_only_within_the_band_and_cancels_the_rest() -> None:
    engine = continuous_engine(band=10)
    engine.apply(order(1, SELL, 100, 5, owner="s"))
    engine.apply(order(2, SELL, 110, 5, owner="s"))
    engine.apply(order(3, SELL, 111, 5, owner="s"))

    events = engine.apply(order(4, BUY, None, 20, owner="b", time_in_force=IOC))

    assert of_type(events, OrderAccepted)[0].price == 110
    assert fills(events) == [(4, 1, 100, 5), (4, 2, 110, 5)]
    assert of_type(events, OrderCancelled)[0].quantity == 10
    assert engine.depth(SELL) == [(111, 5, 1)]


def test_a_market_sell_limit_never_goes_below_one() -> None:
    engine = continuous_engine(band=10)
    engine.apply(order(1, BUY, 5, 5, owner="b"))

    events = engine.apply(order(2, SELL, None, 5, owner="s", time_in_force=IOC))

    assert of_type(events, OrderAccepted)[0].price == 1
    assert fills(events) == [(1, 2, 5, 5)]


def test_a_market_order_without_opposite_orders_is_rejected() -> None:
    engine = continuous_engine()

    events = engine.apply(order(1, BUY, None, 5, time_in_force=IOC))

    assert [e.reason for e in of_type(events, CommandRejected)] == [RejectReason.NO_LIQUIDITY]


def test_self_trade_prevention_cancels_the_resting_order_and_keeps_matching() -> None:
    engine = continuous_engine()
    engine.apply(order(1, SELL, 100, 5, owner="alice"))
    engine.apply(order(2, SELL, 100, 5, owner="bob"))

    events = engine.apply(order(3, BUY, 100, 5, owner="alice"))

    assert fills(events) == [(3, 2, 100, 5)]
    assert summaries(events[1:2]) == [("OrderCancelled", 1, 5, CancelReason.SELF_TRADE_PREVENTION)]
    assert engine.open_orders() == []


def test_cancel_removes_the_order_and_its_quantity_from_the_level() -> None:
    engine = continuous_engine()
    engine.apply(order(1, BUY, 100, 5))
    engine.apply(order(2, BUY, 100, 7))

    events = engine.apply(CancelOrder(1))

    assert summaries(events) == [
        ("OrderCancelled", 1, 5, CancelReason.REQUESTED),
        ("BookDelta", BUY, 100, 7, 1),
    ]
    assert fills(engine.apply(order(3, SELL, 100, 7, owner="s"))) == [(2, 3, 100, 7)]


def test_an_expired_order_never_trades_and_is_reported_at_its_expiry() -> None:
    engine = continuous_engine()
    engine.apply(order(1, SELL, 100, 5, owner="s", expiry_ms=50))
    engine.apply(order(2, SELL, 101, 5, owner="s", timestamp_ms=10))

    events = engine.apply(order(3, BUY, 101, 5, owner="b", timestamp_ms=50))

    assert summaries(events[:2]) == [("OrderExpired", 1, 5, 50), ("BookDelta", SELL, 100, 0, 0)]
    assert fills(events) == [(3, 2, 101, 5)]


def test_advancing_time_expires_orders_by_expiry_then_arrival() -> None:
    engine = continuous_engine()
    engine.apply(order(1, BUY, 100, 5, expiry_ms=30))
    engine.apply(order(2, BUY, 99, 5, expiry_ms=20))
    engine.apply(order(3, BUY, 98, 5, expiry_ms=20))
    engine.apply(order(4, BUY, 97, 5, expiry_ms=31))

    events = engine.apply(AdvanceTime(30))

    assert [e.order_id for e in of_type(events, OrderExpired)] == [2, 3, 1]
    assert [o.order_id for o in engine.open_orders()] == [4]
    assert engine.clock_ms == 30


def test_an_order_filled_at_arrival_reports_filled_and_never_rests() -> None:
    engine = continuous_engine()
    engine.apply(order(1, SELL, 100, 5, owner="s"))

    events = engine.apply(order(2, BUY, 100, 5, owner="b"))

    assert [type(event) for event in events] == [
        OrderAccepted,
        Trade,
        OrderFilled,
        BookDelta,
        OrderFilled,
    ]
    assert engine.open_orders() == []
    assert engine.depth(BUY) == engine.depth(SELL) == []


def test_every_event_carries_the_next_sequence_and_every_trade_the_next_id() -> None:
    engine = continuous_engine()
    events = [
        *engine.apply(order(1, SELL, 100, 5, owner="s")),
        *engine.apply(order(2, SELL, 101, 5, owner="s")),
        *engine.apply(order(3, BUY, 101, 10, owner="b")),
    ]

    assert [event.sequence for event in events] == list(range(1, len(events) + 1))
    assert [trade.trade_id for trade in of_type(events, Trade)] == [1, 2]
    assert engine.last_sequence == len(events)


def test_a_market_sell_trades_down_to_the_best_bid_minus_the_band() -> None:
    engine = continuous_engine(band=10)
    engine.apply(order(1, BUY, 100, 5, owner="b"))
    engine.apply(order(2, BUY, 90, 5, owner="b"))
    engine.apply(order(3, BUY, 89, 5, owner="b"))

    events = engine.apply(order(4, SELL, None, 20, owner="s", time_in_force=FOK))
    ioc = engine.apply(order(5, SELL, None, 20, owner="s", time_in_force=IOC))

    assert [e.reason for e in of_type(events, CommandRejected)] == [RejectReason.FOK_NOT_FILLABLE]
    assert of_type(ioc, OrderAccepted)[0].price == 90
    assert fills(ioc) == [(1, 5, 100, 5), (2, 5, 90, 5)]
    assert engine.depth(BUY) == [(89, 5, 1)]


def test_an_order_that_left_the_book_before_its_expiry_does_not_expire_again() -> None:
    engine = continuous_engine()
    engine.apply(order(1, BUY, 100, 5, expiry_ms=50))
    engine.apply(order(2, SELL, 100, 2, owner="s", expiry_ms=50))
    engine.apply(CancelOrder(1))

    assert engine.apply(AdvanceTime(60)) == []


def test_depth_lists_levels_from_the_best_and_stops_at_max_levels() -> None:
    engine = continuous_engine()
    for order_id, price in enumerate([99, 101, 100, 100], start=1):
        engine.apply(order(order_id, BUY, price, 5))

    assert engine.depth(BUY) == [(101, 5, 1), (100, 10, 2), (99, 5, 1)]
    assert engine.depth(BUY, max_levels=2) == [(101, 5, 1), (100, 10, 2)]
    assert engine.open_order(3) == (3, "alice", BUY, 100, 5, TimeInForce.GTC, None, 3)
    assert engine.open_order(42) is None
