"""Continuous matching: an incoming order against the opposite side, in price-time priority.

The incoming (taker) order walks the opposite side from the best level while the level's price
is within its limit, and within a level from the oldest order. Every fill is at the resting
(maker) order's price. A resting order of the taker's own owner is cancelled when the walk
reaches it (self-trade prevention, "cancel resting") and the walk goes on.
"""

from __future__ import annotations

from gridtokenx.market.book import OrderBook
from gridtokenx.market.emitter import Emitter
from gridtokenx.market.events import CancelReason
from gridtokenx.market.orders import Side


def crosses(side: Side, limit_price: int, resting_price: int) -> bool:
    """Whether an order of ``side`` at ``limit_price`` may trade with ``resting_price``."""
    return resting_price <= limit_price if side is Side.BUY else resting_price >= limit_price


def can_fill_completely(
    book: OrderBook, owner: str, side: Side, limit_price: int, quantity: int
) -> bool:
    """Whether orders of other owners within ``limit_price`` hold at least ``quantity``.

    The fill-or-kill check: the taker's own orders do not count, since matching would cancel
    them rather than trade with them.
    """
    available = 0
    for level in book.opposite(side).levels_by_priority():
        if not crosses(side, limit_price, level.price):
            return False
        for order in level.live_orders():
            if order.owner != owner:
                available += order.remaining
                if available >= quantity:
                    return True
    return False


def match_incoming(
    book: OrderBook,
    emit: Emitter,
    order_id: int,
    owner: str,
    side: Side,
    limit_price: int,
    quantity: int,
    timestamp_ms: int,
) -> int:
    """Match an incoming order and return its unfilled quantity (GXT base units).

    Emits the trades, the makers' ``OrderFilled`` and self-trade cancels, and one book delta per
    touched level. The incoming order itself is not in the book; the caller rests, cancels or
    reports it as filled.
    """
    makers = book.opposite(side)
    maker_side = makers.side
    keys = makers.keys
    levels = makers.levels
    orders = book.orders
    is_buy = side is Side.BUY
    remaining = quantity
    while remaining and keys:
        level = levels[keys[-1]]
        price = level.price
        if (price > limit_price) if is_buy else (price < limit_price):
            break
        queue = level.queue
        while queue:
            maker = queue[0]
            maker_remaining = maker.remaining
            if not maker_remaining:
                queue.popleft()
                level.dead -= 1
                continue
            if maker.owner == owner:
                queue.popleft()
                del orders[maker.order_id]
                level.quantity -= maker_remaining
                level.count -= 1
                maker.remaining = 0
                emit.cancelled(maker.order_id, maker_remaining, CancelReason.SELF_TRADE_PREVENTION)
                continue
            fill = remaining if remaining < maker_remaining else maker_remaining
            if is_buy:
                emit.trade(order_id, maker.order_id, price, fill, maker_side, timestamp_ms)
            else:
                emit.trade(maker.order_id, order_id, price, fill, maker_side, timestamp_ms)
            remaining -= fill
            maker.remaining = maker_remaining - fill
            level.quantity -= fill
            if fill == maker_remaining:
                queue.popleft()
                del orders[maker.order_id]
                level.count -= 1
                emit.filled(maker.order_id)
            if not remaining:
                break
        emit.delta(maker_side, level)
        if not level.count:
            makers.remove_level(level)
    return remaining
