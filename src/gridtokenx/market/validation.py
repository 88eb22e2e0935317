"""Stateless checks of an ``AddOrder``: field types, ranges and supported combinations.

Checks that need the book (duplicate id, post-only crossing, fill-or-kill, market liquidity)
are the engine's. Types are checked with ``type(x) is int`` so that ``bool`` (an ``int``
subclass) and ``float`` are refused, as they would be by the on-chain programs.
"""

from __future__ import annotations

from typing import TypeGuard

from gridtokenx.core.u64 import U64_MAX
from gridtokenx.market.commands import AddOrder
from gridtokenx.market.config import MarketMode
from gridtokenx.market.events import RejectReason
from gridtokenx.market.orders import Side, TimeInForce

Problem = tuple[RejectReason, str]
"""A rejection reason and its message."""


def is_u64(value: object) -> TypeGuard[int]:
    """Whether ``value`` is an ``int`` (not a ``bool``) in 0..2**64-1."""
    return type(value) is int and 0 <= value <= U64_MAX


def check_add_order(command: AddOrder, mode: MarketMode, clock_ms: int) -> Problem | None:
    """The first problem of ``command`` that does not depend on the book, or ``None``."""
    order_id = command.order_id
    malformed = RejectReason.MALFORMED_COMMAND
    if not is_u64(order_id):
        return malformed, f"order_id must be an int in 0..2**64-1, got {order_id!r}"
    if type(command.owner) is not str or not command.owner:
        return malformed, f"order {order_id}: owner must be a non-empty str"
    if not isinstance(command.side, Side):
        return malformed, f"order {order_id}: side must be a Side, got {command.side!r}"
    if not isinstance(command.time_in_force, TimeInForce):
        return malformed, f"order {order_id}: time_in_force must be a TimeInForce"
    if type(command.post_only) is not bool:
        return malformed, f"order {order_id}: post_only must be a bool"
    if not is_u64(command.timestamp_ms):
        return malformed, f"order {order_id}: timestamp_ms must be an int in 0..2**64-1"
    if command.expiry_ms is not None and not is_u64(command.expiry_ms):
        return malformed, f"order {order_id}: expiry_ms must be None or an int in 0..2**64-1"
    if type(command.quantity) is not int:
        return malformed, f"order {order_id}: quantity must be an int, got {command.quantity!r}"
    if command.price is not None and type(command.price) is not int:
        return malformed, f"order {order_id}: price must be an int or None, got {command.price!r}"
    return _check_values(command, mode, clock_ms)


def _check_values(command: AddOrder, mode: MarketMode, clock_ms: int) -> Problem | None:
    order_id = command.order_id
    if not 0 < command.quantity <= U64_MAX:
        return (
            RejectReason.INVALID_QUANTITY,
            f"order {order_id}: quantity {command.quantity} is not in 1..2**64-1 GXT base units",
        )
    if command.price is not None and not 0 < command.price <= U64_MAX:
        return (
            RejectReason.INVALID_PRICE,
            f"order {order_id}: price {command.price} is not in 1..2**64-1 USDC base units/kWh",
        )
    if command.timestamp_ms < clock_ms:
        return (
            RejectReason.TIMESTAMP_REGRESSED,
            f"order {order_id}: timestamp_ms {command.timestamp_ms} is before the clock {clock_ms}",
        )
    if command.expiry_ms is not None and command.expiry_ms <= command.timestamp_ms:
        return (
            RejectReason.INVALID_EXPIRY,
            f"order {order_id}: expiry_ms {command.expiry_ms} is not after its timestamp_ms "
            f"{command.timestamp_ms}",
        )
    return _check_combination(command, mode)


def _check_combination(command: AddOrder, mode: MarketMode) -> Problem | None:
    unsupported = RejectReason.UNSUPPORTED_ORDER_TYPE
    order_id = command.order_id
    is_gtc = command.time_in_force is TimeInForce.GTC
    if command.post_only and not is_gtc:
        return unsupported, f"order {order_id}: a post-only order must be GTC"
    if mode is MarketMode.AUCTION:
        if command.price is None:
            return unsupported, f"order {order_id}: auction markets take limit orders only"
        if command.post_only:
            return unsupported, f"order {order_id}: auction markets take no post-only orders"
        if command.time_in_force is TimeInForce.FOK:
            return unsupported, f"order {order_id}: auction markets take no fill-or-kill orders"
    elif command.price is None and is_gtc:
        return unsupported, f"order {order_id}: a market order must be IOC or FOK"
    return None
