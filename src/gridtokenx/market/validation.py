"""Stateless checks of an ``AddOrder``: field types, ranges and supported combinations.

Checks that need the book (duplicate id, post-only crossing, fill-or-kill, market liquidity)
are the engine's. Types are checked with ``type(x) is int`` so that ``bool`` (an ``int``
subclass) and ``float`` are refused, as they would be by the on-chain programs. The fields are
taken as plain objects, whatever the ``AddOrder`` declares: this is where they get their types.
The engine's add path has a one-expression shortcut for the common valid order and calls
:func:`check_add_order` for every other one.
"""

from __future__ import annotations

from typing import TypeGuard

from gridtokenx.core.u64 import U64_MAX
from gridtokenx.market.config import MarketMode
from gridtokenx.market.events import RejectReason
from gridtokenx.market.orders import Side, TimeInForce

Problem = tuple[RejectReason, str]
"""A rejection reason and its message."""


def is_u64(value: object) -> TypeGuard[int]:
    """Whether ``value`` is an ``int`` (not a ``bool``) in 0..2**64-1."""
    return type(value) is int and 0 <= value <= U64_MAX


def check_add_order(command: tuple[object, ...], mode: MarketMode, clock_ms: int) -> Problem | None:
    """The first problem of the ``AddOrder`` ``command`` that does not depend on the book."""
    (
        order_id,
        owner,
        side,
        price,
        quantity,
        timestamp_ms,
        time_in_force,
        post_only,
        expiry_ms,
    ) = command
    malformed = RejectReason.MALFORMED_COMMAND
    if not is_u64(order_id):
        return malformed, f"order_id must be an int in 0..2**64-1, got {order_id!r}"
    if type(owner) is not str or not owner:
        return malformed, f"order {order_id}: owner must be a non-empty str"
    if not isinstance(side, Side):
        return malformed, f"order {order_id}: side must be a Side, got {side!r}"
    if not isinstance(time_in_force, TimeInForce):
        return malformed, f"order {order_id}: time_in_force must be a TimeInForce"
    if type(post_only) is not bool:
        return malformed, f"order {order_id}: post_only must be a bool"
    if not is_u64(timestamp_ms):
        return malformed, f"order {order_id}: timestamp_ms must be an int in 0..2**64-1"
    if expiry_ms is not None and not is_u64(expiry_ms):
        return malformed, f"order {order_id}: expiry_ms must be None or an int in 0..2**64-1"
    if type(quantity) is not int:
        return malformed, f"order {order_id}: quantity must be an int, got {quantity!r}"
    if price is not None and type(price) is not int:
        return malformed, f"order {order_id}: price must be an int or None, got {price!r}"
    if not 0 < quantity <= U64_MAX:
        return (
            RejectReason.INVALID_QUANTITY,
            f"order {order_id}: quantity {quantity} is not in 1..2**64-1 GXT base units",
        )
    if price is not None and not 0 < price <= U64_MAX:
        return (
            RejectReason.INVALID_PRICE,
            f"order {order_id}: price {price} is not in 1..2**64-1 USDC base units/kWh",
        )
    if timestamp_ms < clock_ms:
        return (
            RejectReason.TIMESTAMP_REGRESSED,
            f"order {order_id}: timestamp_ms {timestamp_ms} is before the clock {clock_ms}",
        )
    if expiry_ms is not None and expiry_ms <= timestamp_ms:
        return (
            RejectReason.INVALID_EXPIRY,
            f"order {order_id}: expiry_ms {expiry_ms} is not after its timestamp_ms {timestamp_ms}",
        )
    return _check_combination(order_id, price, time_in_force, post_only, mode)


def _check_combination(
    order_id: int, price: int | None, time_in_force: TimeInForce, post_only: bool, mode: MarketMode
) -> Problem | None:
    unsupported = RejectReason.UNSUPPORTED_ORDER_TYPE
    is_gtc = time_in_force is TimeInForce.GTC
    if post_only and not is_gtc:
        return unsupported, f"order {order_id}: a post-only order must be GTC"
    if mode is MarketMode.AUCTION:
        if price is None:
            return unsupported, f"order {order_id}: auction markets take limit orders only"
        if post_only:
            return unsupported, f"order {order_id}: auction markets take no post-only orders"
        if time_in_force is TimeInForce.FOK:
            return unsupported, f"order {order_id}: auction markets take no fill-or-kill orders"
    elif price is None and is_gtc:
        return unsupported, f"order {order_id}: a market order must be IOC or FOK"
    return None
