"""Continuous matching: an incoming order against the opposite side, in price-time priority.

The incoming (taker) order walks the opposite side from the best level while the level's price
is within its limit, and within a level from the oldest order. Every fill is at the resting
(maker) order's price. A resting order of the taker's own owner is cancelled when the walk
reaches it (self-trade prevention, "cancel resting") and the walk goes on.
"""

from __future__ import annotations

from typing import Final

from gridtokenx.market.book import OrderBook
from gridtokenx.market.emitter import Emitter, new_event
from gridtokenx.market.events import BookDelta, CancelReason, OrderCancelled, OrderFilled, Trade
from gridtokenx.market.orders import Side

_BUY: Final = Side.BUY
_SELF_TRADE: Final = CancelReason.SELF_TRADE_PREVENTION


def crosses(side: Side, limit_price: int, resting_price: int) -> bool:
    """Whether an order of ``side`` at ``limit_price`` may trade with ``resting_price``."""
    return resting_price <= limit_price if side is _BUY else resting_price >= limit_price


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

    This loop runs for every crossing order, so it builds its events inline (see
    :mod:`~gridtokenx.market.emitter`) and keeps the counters in locals until it returns.
    """
    is_buy = side is _BUY
    makers = book.asks if is_buy else book.bids
    maker_side = makers.side
    keys = makers.keys
    levels = makers.levels
    orders = book.orders
    events = emit.events
    append = events.append
    sequence = emit.last_sequence
    trade_id = emit.last_trade_id
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
            maker_id = maker.order_id
            if maker.owner == owner:
                queue.popleft()
                del orders[maker_id]
                level.quantity -= maker_remaining
                level.count -= 1
                maker.remaining = 0
                sequence += 1
                append(
                    new_event(OrderCancelled, (sequence, maker_id, maker_remaining, _SELF_TRADE))
                )
                continue
            fill = remaining if remaining < maker_remaining else maker_remaining
            sequence += 1
            trade_id += 1
            if is_buy:
                buy_id, sell_id = order_id, maker_id
            else:
                buy_id, sell_id = maker_id, order_id
            append(
                new_event(
                    Trade,
                    (sequence, trade_id, buy_id, sell_id, price, fill, maker_side, timestamp_ms),
                )
            )
            remaining -= fill
            level.quantity -= fill
            if fill == maker_remaining:
                maker.remaining = 0
                queue.popleft()
                del orders[maker_id]
                level.count -= 1
                sequence += 1
                append(new_event(OrderFilled, (sequence, maker_id)))
            else:
                maker.remaining = maker_remaining - fill
            if not remaining:
                break
        sequence += 1
        append(new_event(BookDelta, (sequence, maker_side, price, level.quantity, level.count)))
        if not level.count:
            makers.remove_level(level)
    emit.last_sequence = sequence
    emit.last_trade_id = trade_id
    return remaining
