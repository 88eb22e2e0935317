"""The book's internals: lazy deletion stays bounded, levels stay sorted best-last."""

from __future__ import annotations

from gridtokenx.market.book import OrderBook, RestingOrder
from gridtokenx.market.orders import Side, TimeInForce


def _order(order_id: int, side: Side, price: int, expiry_ms: int | None = None) -> RestingOrder:
    return RestingOrder(order_id, "alice", side, price, 5, TimeInForce.GTC, expiry_ms, order_id)


def test_cancelled_entries_are_compacted_so_a_level_stays_proportional_to_its_live_orders() -> None:
    book = OrderBook()
    book.rest(_order(0, Side.BUY, 100))
    for order_id in range(1, 1_001):
        book.rest(order := _order(order_id, Side.BUY, 100))
        book.remove(order)

    (level,) = book.bids.levels.values()
    assert (level.count, level.quantity) == (1, 5)
    assert len(level.queue) <= 1 + 65
    assert [order.order_id for order in level.live_orders()] == [0]


def test_stale_expiry_entries_are_dropped_from_the_heap() -> None:
    book = OrderBook()
    for order_id in range(1_000):
        book.rest(order := _order(order_id, Side.SELL, 100, expiry_ms=10_000 + order_id))
        book.remove(order)

    assert book.pop_expired(0) == []
    assert len(book.expiries) == 0


def test_both_sides_keep_their_best_level_last() -> None:
    book = OrderBook()
    for order_id, price in enumerate([100, 98, 103, 99]):
        book.rest(_order(order_id, Side.BUY, price))
        book.rest(_order(order_id + 10, Side.SELL, price + 10))

    assert [level.price for level in book.bids.levels_by_priority()] == [103, 100, 99, 98]
    assert [level.price for level in book.asks.levels_by_priority()] == [108, 109, 110, 113]
    book.remove(book.orders[0])  # the only order at 100
    assert [level.price for level in book.bids.levels_by_priority()] == [103, 99, 98]
