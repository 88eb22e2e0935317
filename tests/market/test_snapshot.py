"""Snapshots: plain JSON data that restores the exact state, and refuses anything else."""

from __future__ import annotations

import json

import pytest

from gridtokenx.market import (
    SNAPSHOT_VERSION,
    AdvanceTime,
    MatchingEngine,
    OrderExpired,
    Side,
    Snapshot,
    SnapshotError,
    Trade,
)
from tests.market.factories import auction_engine, continuous_engine, fills, of_type, order

BUY, SELL = Side.BUY, Side.SELL


def _busy_engine() -> MatchingEngine:
    engine = continuous_engine()
    engine.apply(order(1, SELL, 101, 5, owner="s1"))
    engine.apply(order(2, SELL, 101, 5, owner="s2", expiry_ms=500))
    engine.apply(order(3, BUY, 101, 3, owner="b", timestamp_ms=10))
    engine.apply(order(4, BUY, 99, 5, owner="b", timestamp_ms=20))
    return engine


def test_a_snapshot_is_plain_json_data() -> None:
    snapshot = _busy_engine().snapshot()

    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["version"] == SNAPSHOT_VERSION
    assert snapshot["clock_ms"] == 20
    assert snapshot["orders"] == [
        {
            "order_id": 1,
            "owner": "s1",
            "side": "sell",
            "price": 101,
            "remaining": 2,
            "time_in_force": "gtc",
            "expiry_ms": None,
            "arrival": 1,
        },
        {
            "order_id": 2,
            "owner": "s2",
            "side": "sell",
            "price": 101,
            "remaining": 5,
            "time_in_force": "gtc",
            "expiry_ms": 500,
            "arrival": 2,
        },
        {
            "order_id": 4,
            "owner": "b",
            "side": "buy",
            "price": 99,
            "remaining": 5,
            "time_in_force": "gtc",
            "expiry_ms": None,
            "arrival": 3,
        },
    ]


def test_a_restored_engine_continues_priority_counters_and_expiries() -> None:
    original = _busy_engine()
    restored = MatchingEngine.restore(json.loads(json.dumps(original.snapshot())))

    events = restored.apply(order(5, BUY, 101, 4, owner="c", timestamp_ms=30))
    expired = restored.apply(AdvanceTime(500))

    assert fills(events) == [(5, 1, 101, 2), (5, 2, 101, 2)]
    assert [trade.trade_id for trade in of_type(events, Trade)] == [2, 3]
    assert events[0].sequence == original.last_sequence + 1
    assert [(e.order_id, e.quantity) for e in of_type(expired, OrderExpired)] == [(2, 3)]


def test_an_auction_snapshot_keeps_the_next_boundary_and_the_crossed_book() -> None:
    engine = auction_engine()
    engine.apply(order(1, SELL, 90, 5, owner="s"))
    engine.apply(order(2, BUY, 110, 5, owner="b"))

    restored = MatchingEngine.restore(engine.snapshot())

    assert restored.next_auction_ms == engine.next_auction_ms
    assert restored.indicative_auction() == engine.indicative_auction()


def _broken(change: dict[str, object], order_change: dict[str, object] | None = None) -> Snapshot:
    snapshot = json.loads(json.dumps(_busy_engine().snapshot()))
    snapshot.update(change)
    if order_change is not None:
        snapshot["orders"][0].update(order_change)
    return dict(snapshot)


@pytest.mark.parametrize(
    ("snapshot", "message"),
    [
        pytest.param(_broken({"version": 2}), "version", id="version"),
        pytest.param(_broken({"clock_ms": -1}), "clock_ms", id="negative-clock"),
        pytest.param(_broken({"last_sequence": "7"}), "last_sequence", id="str-counter"),
        pytest.param(_broken({"config": {"mode": "barter"}}), "config", id="bad-mode"),
        pytest.param(_broken({"orders": {}}), "orders", id="orders-not-list"),
        pytest.param(_broken({}, {"side": "hold"}), "orders", id="bad-side"),
        pytest.param(_broken({}, {"remaining": 0}), "order 1", id="empty-order"),
        pytest.param(_broken({}, {"order_id": 4}), "order 4 appears twice", id="duplicate"),
        pytest.param(_broken({}, {"arrival": 99}), "arrival", id="future-arrival"),
        pytest.param(_broken({}, {"expiry_ms": 20}), "expired", id="expired-order"),
        pytest.param(_broken({}, {"price": 99}), "crossed", id="crossed-continuous"),
    ],
)
def test_a_bad_snapshot_is_refused_with_a_named_problem(snapshot: Snapshot, message: str) -> None:
    with pytest.raises(SnapshotError, match=message):
        MatchingEngine.restore(snapshot)


def test_a_snapshot_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(SnapshotError, match="mapping"):
        MatchingEngine.restore([])  # type: ignore[arg-type]


def test_a_restored_engine_gives_the_same_events_and_state_as_the_original() -> None:
    original = _busy_engine()
    restored = MatchingEngine.restore(original.snapshot())
    later = [order(5, BUY, 100, 4, owner="c", timestamp_ms=30), AdvanceTime(600)]

    for command in later:
        assert restored.apply(command) == original.apply(command)
    assert restored.snapshot() == original.snapshot()
