"""The order book: two sides of price levels, an index by order id and an expiry queue.

Orders rest as :class:`RestingOrder` records, which only the book and the matching code see.
Layout, chosen for speed in CPython and in the mypyc build (:mod:`~gridtokenx.market.compiled`):

- each side keeps a sorted ``list`` of level keys (``price`` for bids, ``-price`` for asks), so
  the best level of either side is ``keys[-1]``: reading it is O(1), removing the best level is
  ``list.pop()`` and adding a new level is ``bisect.insort`` (O(log n) search plus a C memmove);
- a level is a ``deque`` of orders in arrival order with its live quantity and order count;
- a cancel is O(1): the order is marked dead (``remaining = 0``) and left in its deque until it
  reaches the head (lazy deletion); a level whose queue is mostly dead is compacted;
- expiries sit in a heap of ``(expiry_ms, arrival, order)``; entries of orders that have left
  the book are skipped when popped, and the heap is rebuilt when most entries are stale.

The book only stores and removes orders; deciding what trades is for
:mod:`~gridtokenx.market.continuous` and :mod:`~gridtokenx.market.auction`.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from collections import deque
from collections.abc import Iterator
from operator import attrgetter
from typing import Final

from gridtokenx.market.orders import Side, TimeInForce

# Rebuild a level's deque once dead entries outnumber live ones by this factor (and the heap
# likewise), so memory stays proportional to live orders under heavy cancel traffic.
_COMPACT_FACTOR: Final = 2
_COMPACT_MIN_DEAD: Final = 64

# Final module constants: cheaper than looking a member up on an enum class, and C statics in
# the mypyc build (gridtokenx.market.compiled), where other module globals are dict lookups.
_BUY: Final = Side.BUY
# A lazy C iterator rather than a generator expression, which mypyc would turn into a list.
_is_live: Final = attrgetter("remaining")


class RestingOrder:
    """An order in the book: mutable, owned by the book, never handed out to callers.

    ``remaining`` is in GXT base units; 0 marks an order that left the book while its entry is
    still queued in a price level (lazy deletion, so a cancel is O(1)).
    """

    __slots__ = (
        "arrival",
        "expiry_ms",
        "order_id",
        "owner",
        "price",
        "remaining",
        "side",
        "time_in_force",
    )

    def __init__(
        self,
        order_id: int,
        owner: str,
        side: Side,
        price: int,
        remaining: int,
        time_in_force: TimeInForce,
        expiry_ms: int | None,
        arrival: int,
    ) -> None:
        self.order_id = order_id
        self.owner = owner
        self.side = side
        self.price = price
        self.remaining = remaining
        self.time_in_force = time_in_force
        self.expiry_ms = expiry_ms
        self.arrival = arrival


class PriceLevel:
    """The orders at one price, in time priority; ``quantity`` and ``count`` count live ones."""

    __slots__ = ("count", "dead", "price", "quantity", "queue")

    def __init__(self, price: int) -> None:
        self.price = price
        self.queue: deque[RestingOrder] = deque()
        self.quantity = 0
        self.count = 0
        self.dead = 0

    def live_orders(self) -> Iterator[RestingOrder]:
        """The live orders of the level in time priority."""
        return filter(_is_live, self.queue)


class BookSide:
    """One side of the book; ``keys[-1]`` is the best level's key."""

    __slots__ = ("keys", "levels", "side", "sign")

    def __init__(self, side: Side) -> None:
        self.side = side
        # Bids are keyed by price and asks by -price so that the best level sorts last on both.
        self.sign = 1 if side is Side.BUY else -1
        self.keys: list[int] = []
        self.levels: dict[int, PriceLevel] = {}

    def best(self) -> PriceLevel | None:
        """The best level (highest bid, lowest ask), or ``None`` if the side is empty."""
        keys = self.keys
        return self.levels[keys[-1]] if keys else None

    def levels_by_priority(self) -> Iterator[PriceLevel]:
        """The levels from best to worst; the side must not change during the iteration."""
        return map(self.levels.__getitem__, reversed(self.keys))

    def remove_level(self, level: PriceLevel) -> None:
        """Drop an empty ``level`` (its queue may still hold dead entries)."""
        key = level.price * self.sign
        del self.levels[key]
        keys = self.keys
        if keys[-1] == key:
            keys.pop()
        else:
            del keys[bisect_left(keys, key)]


class OrderBook:
    """Live orders by id, the two sides, and the expiry heap."""

    __slots__ = ("asks", "bids", "expiries", "orders")

    def __init__(self) -> None:
        self.bids = BookSide(Side.BUY)
        self.asks = BookSide(Side.SELL)
        self.orders: dict[int, RestingOrder] = {}
        self.expiries: list[tuple[int, int, RestingOrder]] = []

    def side(self, side: Side) -> BookSide:
        """The book side that holds orders of ``side``."""
        return self.bids if side is _BUY else self.asks

    def opposite(self, side: Side) -> BookSide:
        """The book side an incoming order of ``side`` trades against."""
        return self.asks if side is _BUY else self.bids

    def rest(self, order: RestingOrder) -> PriceLevel:
        """Add ``order`` (with ``remaining > 0`` and an id not in the book) to the book.

        Returns the order's level, for the book delta.
        """
        self.orders[order.order_id] = order
        if order.expiry_ms is not None:
            heapq.heappush(self.expiries, (order.expiry_ms, order.arrival, order))
        book_side = self.bids if order.side is _BUY else self.asks
        price = order.price
        key = price * book_side.sign
        level = book_side.levels.get(key)
        if level is None:
            level = book_side.levels[key] = PriceLevel(price)
            insort(book_side.keys, key)
        level.queue.append(order)
        level.quantity += order.remaining
        level.count += 1
        return level

    def remove(self, order: RestingOrder) -> PriceLevel:
        """Take a live ``order`` out of the book in O(1); returns its level for the book delta.

        The caller reads ``order.remaining`` first if it needs it: it is 0 afterwards.
        """
        del self.orders[order.order_id]
        book_side = self.bids if order.side is _BUY else self.asks
        key = order.price * book_side.sign
        level = book_side.levels[key]
        level.quantity -= order.remaining
        order.remaining = 0
        count = level.count = level.count - 1
        if not count:
            book_side.remove_level(level)
        else:
            dead = level.dead = level.dead + 1
            if dead > _COMPACT_MIN_DEAD and dead > _COMPACT_FACTOR * count:
                level.queue = deque(level.live_orders())
                level.dead = 0
        return level

    def pop_expired(self, now_ms: int) -> list[RestingOrder]:
        """The live orders with ``expiry_ms <= now_ms``, by expiry then arrival (not removed)."""
        expiries = self.expiries
        expired: list[RestingOrder] = []
        while expiries and expiries[0][0] <= now_ms:
            order = heapq.heappop(expiries)[2]
            if order.remaining:
                expired.append(order)
        if len(expiries) > _COMPACT_MIN_DEAD and len(expiries) > _COMPACT_FACTOR * len(self.orders):
            self.expiries = [entry for entry in expiries if entry[2].remaining]
            heapq.heapify(self.expiries)
        return expired
