"""Periodic uniform-price auction: the clearing price, and the execution at that price.

Clearing price
    Let ``D(p)`` be the bid quantity with limit ``>= p`` and ``S(p)`` the ask quantity with
    limit ``<= p``. The executable volume ``V(p) = min(D(p), S(p))`` rises then falls in ``p``
    (``D`` never increases, ``S`` never decreases), so the prices where it reaches its maximum
    form one interval ``[low, high]``; ``low`` is an ask's limit and ``high`` a bid's limit,
    because ``V`` only steps up at an ask price and only steps down just above a bid price. The
    clearing price is the midpoint ``(low + high) // 2`` (rounded down): it maximises volume and
    splits the surplus between buyers and sellers without depending on any earlier price, so the
    result is a function of the book alone. When the book does not cross there is no price.

Execution
    Bids with limit ``>= price`` and asks with limit ``<= price`` trade at ``price``, both sides
    in price-time priority, pairing the best remaining bid with the best remaining ask until one
    side runs out. The short side fills completely; on the long side the better prices fill
    first and the marginal level fills by time priority. Unfilled quantity stays in the book.
    Self-trades cannot happen: the engine cancels an owner's resting orders that an incoming
    order of the same owner crosses, so no owner ever has a bid and an ask that cross.

Cost: finding the price is O(levels inside the crossing range); the execution is O(fills).
"""

from __future__ import annotations

from typing import NamedTuple

from gridtokenx.core.units import GxtAmount, PricePerKwh
from gridtokenx.market.book import BookSide, OrderBook, PriceLevel, RestingOrder
from gridtokenx.market.emitter import Emitter


class IndicativeAuction(NamedTuple):
    """What an auction would do if it cleared now.

    Attributes:
        price: the clearing price, or ``None`` if bids and asks do not cross.
        volume: GXT base units that would trade, ``min(demand, supply)``.
        demand: bid quantity with limit ``>= price`` (0 without a price).
        supply: ask quantity with limit ``<= price`` (0 without a price).
    """

    price: PricePerKwh | None
    volume: GxtAmount
    demand: GxtAmount
    supply: GxtAmount


NO_AUCTION = IndicativeAuction(None, GxtAmount(0), GxtAmount(0), GxtAmount(0))


def find_clearing(book: OrderBook) -> IndicativeAuction:
    """The uniform clearing price and volume of ``book`` (see the module docstring)."""
    best_bid = book.bids.best()
    best_ask = book.asks.best()
    if best_bid is None or best_ask is None or best_bid.price < best_ask.price:
        return NO_AUCTION
    # Only levels inside [best ask, best bid] can be a candidate or change D or S there.
    bids = _crossing_levels(book.bids, best_ask.price)
    asks = _crossing_levels(book.asks, best_bid.price)
    bids.reverse()  # ascending, like asks
    candidates = sorted({price for price, _ in bids} | {price for price, _ in asks})
    demand = sum(quantity for _, quantity in bids)
    supply = 0
    bid_index = ask_index = 0
    best_volume = -1
    low = high = 0
    for price in candidates:
        while bid_index < len(bids) and bids[bid_index][0] < price:
            demand -= bids[bid_index][1]
            bid_index += 1
        while ask_index < len(asks) and asks[ask_index][0] <= price:
            supply += asks[ask_index][1]
            ask_index += 1
        volume = min(demand, supply)
        if volume > best_volume:
            best_volume, low, high = volume, price, price
        elif volume == best_volume:
            high = price
    clearing_price = (low + high) // 2
    demand_at_price = sum(quantity for price, quantity in bids if price >= clearing_price)
    supply_at_price = sum(quantity for price, quantity in asks if price <= clearing_price)
    return IndicativeAuction(
        PricePerKwh(clearing_price),
        GxtAmount(min(demand_at_price, supply_at_price)),
        GxtAmount(demand_at_price),
        GxtAmount(supply_at_price),
    )


def _crossing_levels(side: BookSide, limit_price: int) -> list[tuple[int, int]]:
    """``(price, quantity)`` of the levels of ``side`` that cross ``limit_price``, best first."""
    crossing: list[tuple[int, int]] = []
    for level in side.levels_by_priority():
        if side.sign * (level.price - limit_price) < 0:
            break
        crossing.append((level.price, level.quantity))
    return crossing


def execute_clearing(book: OrderBook, emit: Emitter, price: int, timestamp_ms: int) -> int:
    """Trade every crossing order at ``price``; returns the executed volume (GXT base units).

    Emits the trades, ``OrderFilled`` for orders left with nothing and one book delta per
    touched level.
    """
    bids = book.bids
    asks = book.asks
    volume = 0
    touched_bid: PriceLevel | None = None
    touched_ask: PriceLevel | None = None
    while bids.keys and asks.keys:
        bid_level = bids.levels[bids.keys[-1]]
        ask_level = asks.levels[asks.keys[-1]]
        if bid_level.price < price or ask_level.price > price:
            break
        buy = _head(bid_level)
        sell = _head(ask_level)
        fill = min(buy.remaining, sell.remaining)
        emit.trade(buy.order_id, sell.order_id, price, fill, None, timestamp_ms)
        volume += fill
        touched_bid = _take_fill(book, emit, bids, bid_level, buy, fill)
        touched_ask = _take_fill(book, emit, asks, ask_level, sell, fill)
    for side, level in ((bids, touched_bid), (asks, touched_ask)):
        if level is not None:
            emit.delta(side.side, level)
    return volume


def _head(level: PriceLevel) -> RestingOrder:
    """The oldest live order of a level, dropping dead entries in front of it."""
    queue = level.queue
    while not queue[0].remaining:
        queue.popleft()
        level.dead -= 1
    return queue[0]


def _take_fill(
    book: OrderBook,
    emit: Emitter,
    side: BookSide,
    level: PriceLevel,
    order: RestingOrder,
    fill: int,
) -> PriceLevel | None:
    """Apply ``fill`` to the head ``order`` of ``level``; returns the level while it still lives.

    A level emptied by the fill gets its (final) delta here, since it leaves the book.
    """
    order.remaining -= fill
    level.quantity -= fill
    if order.remaining:
        return level
    level.queue.popleft()
    level.count -= 1
    del book.orders[order.order_id]
    emit.filled(order.order_id)
    if level.count:
        return level
    emit.delta(side.side, level)
    side.remove_level(level)
    return None
