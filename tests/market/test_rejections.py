"""Bad commands give one typed ``CommandRejected`` event and leave the market as it was."""

from __future__ import annotations

import pytest

from gridtokenx.core.u64 import U64_MAX
from gridtokenx.market import (
    AddOrder,
    AdvanceTime,
    CancelOrder,
    CommandRejected,
    MarketConfig,
    MarketConfigError,
    MatchingEngine,
    RejectReason,
    Side,
    TimeInForce,
)
from tests.market.factories import auction_engine, continuous_engine, of_type, order

BUY, SELL = Side.BUY, Side.SELL
MALFORMED = RejectReason.MALFORMED_COMMAND
GOOD = order(10, BUY, 100, 5, owner="bob", timestamp_ms=100)


def _with(**fields: object) -> AddOrder:
    """GOOD with fields replaced by values of any type, as an untrusted producer might send."""
    return AddOrder._make({**GOOD._asdict(), **fields}.values())


def _engine_with_orders() -> MatchingEngine:
    engine = continuous_engine()
    engine.apply(order(1, BUY, 99, 5, owner="alice", timestamp_ms=100))
    engine.apply(order(2, SELL, 101, 5, owner="alice", timestamp_ms=100, expiry_ms=1_000))
    return engine


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        pytest.param(_with(order_id=1), RejectReason.DUPLICATE_ORDER_ID, id="duplicate"),
        pytest.param(_with(quantity=0), RejectReason.INVALID_QUANTITY, id="zero-qty"),
        pytest.param(_with(quantity=-5), RejectReason.INVALID_QUANTITY, id="neg-qty"),
        pytest.param(_with(quantity=2**64), RejectReason.INVALID_QUANTITY, id="big-qty"),
        pytest.param(_with(price=0), RejectReason.INVALID_PRICE, id="zero-price"),
        pytest.param(_with(price=-1), RejectReason.INVALID_PRICE, id="neg-price"),
        pytest.param(_with(quantity=5.0), MALFORMED, id="float-qty"),
        pytest.param(_with(quantity=True), MALFORMED, id="bool-qty"),
        pytest.param(_with(price="100"), MALFORMED, id="str-price"),
        pytest.param(_with(owner=""), MALFORMED, id="empty-owner"),
        pytest.param(_with(owner=None), MALFORMED, id="no-owner"),
        pytest.param(_with(side="buy"), MALFORMED, id="str-side"),
        pytest.param(_with(time_in_force="gtc"), MALFORMED, id="str-tif"),
        pytest.param(_with(post_only=1), MALFORMED, id="int-post-only"),
        pytest.param(_with(order_id=-1), MALFORMED, id="neg-id"),
        pytest.param(_with(order_id="10"), MALFORMED, id="str-id"),
        pytest.param(_with(timestamp_ms=None), MALFORMED, id="no-timestamp"),
        pytest.param(_with(expiry_ms=1.5), MALFORMED, id="float-expiry"),
        pytest.param(_with(timestamp_ms=99), RejectReason.TIMESTAMP_REGRESSED, id="past"),
        pytest.param(_with(expiry_ms=100), RejectReason.INVALID_EXPIRY, id="expired"),
        pytest.param(
            _with(price=None, time_in_force=TimeInForce.IOC, side=SELL, post_only=True),
            RejectReason.UNSUPPORTED_ORDER_TYPE,
            id="post-only-ioc",
        ),
        pytest.param(_with(price=None), RejectReason.UNSUPPORTED_ORDER_TYPE, id="gtc-market"),
        pytest.param(CancelOrder(3), RejectReason.UNKNOWN_ORDER_ID, id="cancel-unknown"),
        pytest.param(CancelOrder._make([[1]]), MALFORMED, id="cancel-unhashable-id"),
        pytest.param(AdvanceTime(99), RejectReason.TIMESTAMP_REGRESSED, id="time-backwards"),
        pytest.param(AdvanceTime(-1), MALFORMED, id="negative-time"),
        pytest.param(("AddOrder", 1), MALFORMED, id="plain-tuple"),
        pytest.param(None, MALFORMED, id="none"),
    ],
)
def test_a_bad_command_is_rejected_with_its_reason_and_changes_nothing(
    command: object, reason: RejectReason
) -> None:
    engine = _engine_with_orders()
    before = engine.snapshot()

    events = engine.apply(command)

    assert [type(event) for event in events] == [CommandRejected]
    assert [event.reason for event in of_type(events, CommandRejected)] == [reason]
    assert engine.snapshot() == {**before, "last_sequence": events[0].sequence}


def test_rejection_messages_name_the_order() -> None:
    engine = _engine_with_orders()

    (duplicate,) = of_type(engine.apply(_with(order_id=1)), CommandRejected)
    (unknown,) = of_type(engine.apply(CancelOrder(77)), CommandRejected)

    assert duplicate.order_id == 1
    assert "order 1 " in duplicate.message
    assert unknown.order_id == 77
    assert "77" in unknown.message


def test_a_book_rejection_still_moves_the_clock_and_expires_due_orders() -> None:
    engine = _engine_with_orders()

    events = engine.apply(order(1, BUY, 100, 5, timestamp_ms=1_000))

    assert [type(event).__name__ for event in events] == [
        "OrderExpired",
        "BookDelta",
        "CommandRejected",
    ]
    assert engine.clock_ms == 1_000


@pytest.mark.parametrize(
    "command",
    [
        order(1, BUY, None, 5, time_in_force=TimeInForce.IOC),
        order(1, BUY, 100, 5, post_only=True),
        order(1, BUY, 100, 5, time_in_force=TimeInForce.FOK),
    ],
    ids=["market", "post-only", "fok"],
)
def test_an_auction_market_rejects_order_types_it_does_not_support(command: AddOrder) -> None:
    events = auction_engine().apply(command)

    assert [e.reason for e in of_type(events, CommandRejected)] == [
        RejectReason.UNSUPPORTED_ORDER_TYPE
    ]


def test_the_largest_u64_quantity_and_price_are_accepted() -> None:
    engine = continuous_engine()

    events = engine.apply(order(1, BUY, U64_MAX, U64_MAX))

    assert of_type(events, CommandRejected) == []
    assert engine.best(BUY) == (U64_MAX, U64_MAX, 1)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"market_order_band_per_kwh": -1},
        {"market_order_band_per_kwh": 1.5},
        {"market_order_band_per_kwh": 0, "auction_interval_ms": 0},
        {"market_order_band_per_kwh": 0, "mode": "auction"},
    ],
)
def test_a_bad_config_is_a_programming_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(MarketConfigError, match=r"must be"):
        MarketConfig(**kwargs)  # type: ignore[arg-type]


def test_a_negative_start_clock_is_a_programming_error() -> None:
    with pytest.raises(MarketConfigError, match="start_ms"):
        MatchingEngine(MarketConfig(market_order_band_per_kwh=0), start_ms=-1)
