"""Snapshots: the whole state of a market as plain JSON-compatible data, and back.

A snapshot holds the configuration, the clock, the next auction boundary, the counters (last
event sequence, last trade id, last arrival number) and every live order with its arrival
number, in arrival order. That is all the state the engine's behaviour depends on, so restoring
a snapshot and applying the commands that followed it gives exactly the events and the book of
the original run. Internal bookkeeping that does not change behaviour (dead queue entries, the
layout of the expiry heap) is not kept.

The format is versioned; :func:`decode_snapshot` checks every field and raises
:class:`~gridtokenx.market.errors.SnapshotError` naming the first problem it finds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, NamedTuple, TypeVar

from gridtokenx.core.units import GxtAmount, PricePerKwh
from gridtokenx.market.config import MarketConfig, MarketMode
from gridtokenx.market.errors import MarketConfigError, SnapshotError
from gridtokenx.market.orders import OpenOrder, Side, TimeInForce
from gridtokenx.market.validation import is_u64

SNAPSHOT_VERSION: Final = 1

_T = TypeVar("_T")

Snapshot = dict[str, object]
"""A snapshot as plain data: ``json.dumps`` writes it and ``json.loads`` reads it back."""


class EngineState(NamedTuple):
    """Everything a :class:`~gridtokenx.market.engine.MatchingEngine` is rebuilt from."""

    config: MarketConfig
    clock_ms: int
    next_auction_ms: int
    last_sequence: int
    last_trade_id: int
    last_arrival: int
    orders: list[OpenOrder]


def encode_snapshot(state: EngineState) -> Snapshot:
    """``state`` as plain data; orders in arrival order."""
    config = state.config
    return {
        "version": SNAPSHOT_VERSION,
        "config": {
            "mode": config.mode.value,
            "market_order_band_per_kwh": config.market_order_band_per_kwh,
            "auction_interval_ms": config.auction_interval_ms,
        },
        "clock_ms": state.clock_ms,
        "next_auction_ms": state.next_auction_ms,
        "last_sequence": state.last_sequence,
        "last_trade_id": state.last_trade_id,
        "last_arrival": state.last_arrival,
        "orders": [
            {
                "order_id": order.order_id,
                "owner": order.owner,
                "side": order.side.value,
                "price": order.price,
                "remaining": order.remaining,
                "time_in_force": order.time_in_force.value,
                "expiry_ms": order.expiry_ms,
                "arrival": order.arrival,
            }
            for order in sorted(state.orders, key=lambda order: order.arrival)
        ],
    }


def decode_snapshot(snapshot: Mapping[str, object]) -> EngineState:
    """Check and read a snapshot written by :func:`encode_snapshot`."""
    if not isinstance(snapshot, Mapping):
        raise SnapshotError(f"a snapshot is a mapping, got {type(snapshot).__name__}")
    version = snapshot.get("version")
    if version != SNAPSHOT_VERSION:
        raise SnapshotError(f"snapshot version {version!r} is not {SNAPSHOT_VERSION}")
    state = EngineState(
        config=_decode_config(_field(snapshot, "config", dict, "snapshot")),
        clock_ms=_u64(snapshot, "clock_ms", "snapshot"),
        next_auction_ms=_u64(snapshot, "next_auction_ms", "snapshot"),
        last_sequence=_u64(snapshot, "last_sequence", "snapshot"),
        last_trade_id=_u64(snapshot, "last_trade_id", "snapshot"),
        last_arrival=_u64(snapshot, "last_arrival", "snapshot"),
        orders=[
            _decode_order(entry, index)
            for index, entry in enumerate(_field(snapshot, "orders", list, "snapshot"))
        ],
    )
    _check_orders(state)
    return state


def _decode_config(config: dict[str, object]) -> MarketConfig:
    mode = _field(config, "mode", str, "config")
    try:
        return MarketConfig(
            mode=MarketMode(mode),
            market_order_band_per_kwh=_u64(config, "market_order_band_per_kwh", "config"),
            auction_interval_ms=_u64(config, "auction_interval_ms", "config"),
        )
    except (ValueError, MarketConfigError) as exc:
        raise SnapshotError(f"snapshot config is invalid: {exc}") from exc


def _decode_order(entry: object, index: int) -> OpenOrder:
    where = f"orders[{index}]"
    if not isinstance(entry, Mapping):
        raise SnapshotError(f"{where} is not a mapping")
    expiry_ms = entry.get("expiry_ms")
    if expiry_ms is not None and not is_u64(expiry_ms):
        raise SnapshotError(f"{where}.expiry_ms must be None or a u64, got {expiry_ms!r}")
    owner = _field(entry, "owner", str, where)
    try:
        side = Side(_field(entry, "side", str, where))
        time_in_force = TimeInForce(_field(entry, "time_in_force", str, where))
    except ValueError as exc:
        raise SnapshotError(f"{where}: {exc}") from exc
    order = OpenOrder(
        order_id=_u64(entry, "order_id", where),
        owner=owner,
        side=side,
        price=PricePerKwh(_u64(entry, "price", where)),
        remaining=GxtAmount(_u64(entry, "remaining", where)),
        time_in_force=time_in_force,
        expiry_ms=expiry_ms,
        arrival=_u64(entry, "arrival", where),
    )
    if not owner or order.price == 0 or order.remaining == 0:
        raise SnapshotError(f"{where} (order {order.order_id}) has an empty owner, price or rest")
    return order


def _check_orders(state: EngineState) -> None:
    order_ids: set[int] = set()
    arrivals: set[int] = set()
    for order in state.orders:
        if order.order_id in order_ids:
            raise SnapshotError(f"order {order.order_id} appears twice in the snapshot")
        if order.arrival in arrivals or order.arrival > state.last_arrival:
            raise SnapshotError(
                f"order {order.order_id} has arrival {order.arrival}, which is repeated or after "
                f"last_arrival {state.last_arrival}"
            )
        if order.expiry_ms is not None and order.expiry_ms <= state.clock_ms:
            raise SnapshotError(
                f"order {order.order_id} expired at {order.expiry_ms}, not after the clock "
                f"{state.clock_ms}"
            )
        order_ids.add(order.order_id)
        arrivals.add(order.arrival)
    if state.config.mode is MarketMode.CONTINUOUS:
        best_bid = max((o.price for o in state.orders if o.side is Side.BUY), default=None)
        best_ask = min((o.price for o in state.orders if o.side is Side.SELL), default=None)
        if best_bid is not None and best_ask is not None and best_bid >= best_ask:
            raise SnapshotError(
                f"a continuous book cannot be crossed: best bid {best_bid} >= best ask {best_ask}"
            )


def _field(mapping: Mapping[str, object], key: str, kind: type[_T], where: str) -> _T:
    value = mapping.get(key)
    if not isinstance(value, kind):
        raise SnapshotError(f"{where}.{key} must be a {kind.__name__}, got {value!r}")
    return value


def _u64(mapping: Mapping[str, object], key: str, where: str) -> int:
    value = mapping.get(key)
    if not is_u64(value):
        raise SnapshotError(f"{where}.{key} must be an int in 0..2**64-1, got {value!r}")
    return value
