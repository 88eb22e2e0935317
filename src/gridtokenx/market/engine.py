"""The matching engine of one market: commands in, events out, nothing else.

:meth:`MatchingEngine.apply` takes one command and returns the events it caused, in order. It
validates every command and answers a bad one with a ``CommandRejected`` event; it raises only
on a programming error in the engine itself. The same commands always give the same events.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, cast

from gridtokenx.core.u64 import U64_MAX
from gridtokenx.core.units import GxtAmount, PricePerKwh
from gridtokenx.market.auction import IndicativeAuction, execute_clearing, find_clearing
from gridtokenx.market.book import OrderBook, PriceLevel, RestingOrder
from gridtokenx.market.commands import AddOrder, AdvanceTime, CancelOrder
from gridtokenx.market.config import MarketConfig, MarketMode
from gridtokenx.market.continuous import can_fill_completely, crosses, match_incoming
from gridtokenx.market.emitter import Emitter, new_event
from gridtokenx.market.errors import MarketConfigError
from gridtokenx.market.events import (
    BookDelta,
    CancelReason,
    Event,
    OrderAccepted,
    OrderCancelled,
    OrderFilled,
    RejectReason,
)
from gridtokenx.market.orders import DepthLevel, OpenOrder, Side, TimeInForce
from gridtokenx.market.snapshot import EngineState, Snapshot, decode_snapshot, encode_snapshot
from gridtokenx.market.validation import check_add_order, is_u64

# Final module constants: cheaper than looking a member up on an enum class, and C statics in
# the mypyc build (gridtokenx.market.compiled), where other module globals are dict lookups.
_BUY: Final = Side.BUY
_GTC: Final = TimeInForce.GTC
_IOC: Final = TimeInForce.IOC
_FOK: Final = TimeInForce.FOK
_REQUESTED: Final = CancelReason.REQUESTED
_UNFILLED: Final = CancelReason.UNFILLED_REMAINDER


class MatchingEngine:
    """One market's order book and matching rules (see :mod:`gridtokenx.market`).

    Args:
        config: the market's rules.
        start_ms: the initial clock (unix milliseconds); commands may not be earlier.
    """

    def __init__(self, config: MarketConfig, *, start_ms: int = 0) -> None:
        if not is_u64(start_ms):
            raise MarketConfigError(f"start_ms must be an int in 0..2**64-1, got {start_ms!r}")
        self._config = config
        self._is_auction = config.mode is MarketMode.AUCTION
        self._book = OrderBook()
        self._emit = Emitter(last_sequence=0, last_trade_id=0)
        self._clock_ms = start_ms
        self._next_auction_ms = self._first_boundary_after(start_ms)
        self._last_arrival = 0

    @property
    def config(self) -> MarketConfig:
        """The market's rules."""
        return self._config

    @property
    def clock_ms(self) -> int:
        """The latest timestamp the engine has seen (unix milliseconds)."""
        return self._clock_ms

    @property
    def next_auction_ms(self) -> int:
        """The next interval boundary at which an auction market clears."""
        return self._next_auction_ms

    @property
    def last_sequence(self) -> int:
        """The sequence number of the last event emitted (0 before the first)."""
        return self._emit.last_sequence

    def apply(self, command: object) -> list[Event]:
        """Carry out one command and return its events; a bad command gives ``CommandRejected``."""
        if type(command) is AddOrder:
            self._add(command)
        elif type(command) is CancelOrder:
            self._cancel(command)
        elif type(command) is AdvanceTime:
            self._advance_time(command)
        else:
            self._emit.rejected(
                None,
                RejectReason.MALFORMED_COMMAND,
                f"not a market command: {type(command).__name__}",
            )
        emit = self._emit
        events = emit.events
        emit.events = []
        return events

    # Queries ----------------------------------------------------------------------------------

    def open_order(self, order_id: int) -> OpenOrder | None:
        """The live order ``order_id``, or ``None``."""
        order = self._book.orders.get(order_id)
        return None if order is None else _view(order)

    def open_orders(self) -> list[OpenOrder]:
        """Every live order, in arrival order."""
        return [_view(order) for order in self._book.orders.values()]

    def depth(self, side: Side, max_levels: int | None = None) -> list[DepthLevel]:
        """The levels of ``side`` from the best, at most ``max_levels`` of them."""
        depth: list[DepthLevel] = []
        for level in self._book.side(side).levels_by_priority():
            if max_levels is not None and len(depth) >= max_levels:
                break
            depth.append(_depth(level))
        return depth

    def best(self, side: Side) -> DepthLevel | None:
        """The best level of ``side`` (highest bid, lowest ask), or ``None``."""
        level = self._book.side(side).best()
        return None if level is None else _depth(level)

    def indicative_auction(self) -> IndicativeAuction:
        """The price and volume an auction would clear at if it ran now; changes nothing."""
        return find_clearing(self._book)

    # Snapshots --------------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The engine's whole state as plain data (see :mod:`gridtokenx.market.snapshot`)."""
        return encode_snapshot(
            EngineState(
                config=self._config,
                clock_ms=self._clock_ms,
                next_auction_ms=self._next_auction_ms,
                last_sequence=self._emit.last_sequence,
                last_trade_id=self._emit.last_trade_id,
                last_arrival=self._last_arrival,
                orders=self.open_orders(),
            )
        )

    @classmethod
    def restore(cls, snapshot: Mapping[str, object]) -> MatchingEngine:
        """An engine in the state ``snapshot`` was taken in; raises SnapshotError if invalid."""
        state = decode_snapshot(snapshot)
        engine = cls(state.config, start_ms=state.clock_ms)
        engine._next_auction_ms = state.next_auction_ms
        engine._emit = Emitter(state.last_sequence, state.last_trade_id)
        engine._last_arrival = state.last_arrival
        for order in sorted(state.orders, key=lambda order: order.arrival):
            engine._book.rest(
                RestingOrder(
                    order.order_id,
                    order.owner,
                    order.side,
                    order.price,
                    order.remaining,
                    order.time_in_force,
                    order.expiry_ms,
                    order.arrival,
                )
            )
        return engine

    # Commands ---------------------------------------------------------------------------------

    def _add(self, command: tuple[object, ...]) -> None:
        # Fields are read as objects: a caller may put anything in a NamedTuple, and the mypyc
        # build (gridtokenx.market.compiled) raises on a field that is not of its declared type.
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
        # The usual valid continuous-market order in one expression, which implies that
        # check_add_order() finds no problem. Any other order (invalid, post-only, or in an
        # auction market) goes through check_add_order(), which decides and names the problem.
        if (
            type(order_id) is int
            and 0 <= order_id <= U64_MAX
            and type(owner) is str
            and owner
            and type(side) is Side  # Side and TimeInForce have members, so no subclasses
            and type(time_in_force) is TimeInForce
            and post_only is False
            and type(quantity) is int
            and 0 < quantity <= U64_MAX
            and type(timestamp_ms) is int
            and self._clock_ms <= timestamp_ms <= U64_MAX
            and (
                expiry_ms is None
                or (type(expiry_ms) is int and timestamp_ms < expiry_ms <= U64_MAX)
            )
            and (
                (type(price) is int and 0 < price <= U64_MAX)
                or (price is None and time_in_force is not _GTC)
            )
            and not self._is_auction
        ):
            self._add_continuous(
                order_id,
                owner,
                side,
                price,
                quantity,
                timestamp_ms,
                time_in_force,
                False,
                expiry_ms,
            )
            return
        problem = check_add_order(command, self._config.mode, self._clock_ms)
        if problem is not None:
            self._emit.rejected(order_id if is_u64(order_id) else None, *problem)
            return
        valid = cast(AddOrder, command)  # check_add_order() found every field of its type
        if self._is_auction:
            self._add_to_auction(valid)
        else:
            self._add_continuous(*valid)

    def _add_continuous(
        self,
        order_id: int,
        owner: str,
        side: Side,
        price: int | None,
        quantity: int,
        timestamp_ms: int,
        time_in_force: TimeInForce,
        post_only: bool,
        expiry_ms: int | None,
    ) -> None:
        # The hot path: most commands are adds. Its events are built inline (see
        # gridtokenx.market.emitter) and the best price is read from the book's sorted keys.
        book = self._book
        expiries = book.expiries
        if expiries and expiries[0][0] <= timestamp_ms:
            self._advance_to(timestamp_ms)
        else:
            self._clock_ms = timestamp_ms
        emit = self._emit
        if order_id in book.orders:
            emit.rejected(
                order_id,
                RejectReason.DUPLICATE_ORDER_ID,
                f"order {order_id} is already live in the book",
            )
            return
        is_buy = side is _BUY
        opposite = book.asks if is_buy else book.bids
        keys = opposite.keys
        best_opposite = keys[-1] * opposite.sign if keys else None  # keys are price * sign
        limit_price: int
        if price is not None:
            limit_price = price
        elif best_opposite is None:
            emit.rejected(
                order_id,
                RejectReason.NO_LIQUIDITY,
                f"market order {order_id}: no opposite order to take a price from",
            )
            return
        else:
            limit_price = self._market_limit(side, best_opposite)
        is_marketable = best_opposite is not None and (
            best_opposite <= limit_price if is_buy else best_opposite >= limit_price
        )
        if post_only and is_marketable:
            emit.rejected(
                order_id,
                RejectReason.POST_ONLY_WOULD_CROSS,
                f"post-only order {order_id} at {limit_price} would cross the best opposite price",
            )
            return
        if time_in_force is _FOK and not can_fill_completely(
            book, owner, side, limit_price, quantity
        ):
            emit.rejected(
                order_id,
                RejectReason.FOK_NOT_FILLABLE,
                f"fill-or-kill order {order_id}: less than {quantity} available within "
                f"{limit_price}",
            )
            return
        events = emit.events
        sequence = emit.last_sequence = emit.last_sequence + 1
        events.append(
            new_event(OrderAccepted, (sequence, order_id, owner, side, limit_price, quantity))
        )
        remaining: int = quantity
        if is_marketable:
            remaining = match_incoming(
                book, emit, order_id, owner, side, limit_price, quantity, timestamp_ms
            )
        sequence = emit.last_sequence = emit.last_sequence + 1
        if not remaining:
            events.append(new_event(OrderFilled, (sequence, order_id)))
        elif time_in_force is _GTC:
            arrival = self._last_arrival = self._last_arrival + 1
            level = book.rest(
                RestingOrder(
                    order_id, owner, side, limit_price, remaining, time_in_force, expiry_ms, arrival
                )
            )
            events.append(
                new_event(BookDelta, (sequence, side, limit_price, level.quantity, level.count))
            )
        else:
            events.append(new_event(OrderCancelled, (sequence, order_id, remaining, _UNFILLED)))

    def _add_to_auction(self, command: AddOrder) -> None:
        self._advance_to(command.timestamp_ms)
        if command.order_id in self._book.orders:
            self._emit.rejected(
                command.order_id,
                RejectReason.DUPLICATE_ORDER_ID,
                f"order {command.order_id} is already live in the book",
            )
            return
        limit_price = command.price
        assert limit_price is not None  # check_add_order refuses market orders in auctions
        self._emit.accepted(
            command.order_id, command.owner, command.side, limit_price, command.quantity
        )
        # Self-trade prevention at entry keeps every owner's bids below their asks, so no
        # clearing can ever pair two orders of one owner.
        own_crossing: list[RestingOrder] = []
        for level in self._book.opposite(command.side).levels_by_priority():
            if not crosses(command.side, limit_price, level.price):
                break
            own_crossing.extend(o for o in level.live_orders() if o.owner == command.owner)
        for order in own_crossing:
            self._remove(order, CancelReason.SELF_TRADE_PREVENTION)
        level = self._rest(
            command.order_id,
            command.owner,
            command.side,
            limit_price,
            command.quantity,
            command.time_in_force,
            command.expiry_ms,
        )
        self._emit.delta(command.side, level)

    def _rest(
        self,
        order_id: int,
        owner: str,
        side: Side,
        price: int,
        remaining: int,
        time_in_force: TimeInForce,
        expiry_ms: int | None,
    ) -> PriceLevel:
        """Put an accepted order's rest in the book; returns its level for the book delta."""
        arrival = self._last_arrival = self._last_arrival + 1
        return self._book.rest(
            RestingOrder(order_id, owner, side, price, remaining, time_in_force, expiry_ms, arrival)
        )

    def _market_limit(self, side: Side, best_opposite_price: int) -> int:
        band = self._config.market_order_band_per_kwh
        if side is _BUY:
            return min(best_opposite_price + band, U64_MAX)
        return max(best_opposite_price - band, 1)

    def _cancel(self, command: tuple[object, ...]) -> None:
        (order_id,) = command
        # The type check comes first: a float 5.0 would find order 5 in the dict.
        order = self._book.orders.get(order_id) if type(order_id) is int else None
        emit = self._emit
        if order is None:
            if type(order_id) is not int:
                emit.rejected(
                    None,
                    RejectReason.MALFORMED_COMMAND,
                    f"order_id must be an int, got {order_id!r}",
                )
            else:
                emit.rejected(
                    order_id, RejectReason.UNKNOWN_ORDER_ID, f"order {order_id} is not live"
                )
            return
        quantity = order.remaining
        level = self._book.remove(order)
        sequence = emit.last_sequence
        events = emit.events
        events.append(new_event(OrderCancelled, (sequence + 1, order_id, quantity, _REQUESTED)))
        events.append(
            new_event(
                BookDelta, (sequence + 2, order.side, order.price, level.quantity, level.count)
            )
        )
        emit.last_sequence = sequence + 2

    def _remove(self, order: RestingOrder, reason: CancelReason) -> None:
        quantity = order.remaining
        level = self._book.remove(order)
        self._emit.cancelled(order.order_id, quantity, reason)
        self._emit.delta(order.side, level)

    def _advance_time(self, command: tuple[object, ...]) -> None:
        (timestamp_ms,) = command
        if not is_u64(timestamp_ms):
            self._emit.rejected(
                None,
                RejectReason.MALFORMED_COMMAND,
                f"timestamp_ms must be an int in 0..2**64-1, got {timestamp_ms!r}",
            )
        elif timestamp_ms < self._clock_ms:
            self._emit.rejected(
                None,
                RejectReason.TIMESTAMP_REGRESSED,
                f"timestamp_ms {timestamp_ms} is before the clock {self._clock_ms}",
            )
        else:
            self._advance_to(timestamp_ms)

    # Time -------------------------------------------------------------------------------------

    def _advance_to(self, timestamp_ms: int) -> None:
        if self._is_auction and timestamp_ms >= self._next_auction_ms:
            # After one clearing the book no longer crosses and holds no IOC order, so the later
            # boundaries this jump passes could not trade: only the first one is cleared.
            boundary = self._next_auction_ms
            self._expire(boundary)
            self._clear_auction(boundary)
            self._next_auction_ms = self._first_boundary_after(timestamp_ms)
        expiries = self._book.expiries
        if expiries and expiries[0][0] <= timestamp_ms:
            self._expire(timestamp_ms)
        self._clock_ms = timestamp_ms

    def _first_boundary_after(self, timestamp_ms: int) -> int:
        interval_ms = self._config.auction_interval_ms
        return (timestamp_ms // interval_ms + 1) * interval_ms

    def _expire(self, now_ms: int) -> None:
        for order in self._book.pop_expired(now_ms):
            quantity = order.remaining
            level = self._book.remove(order)
            assert order.expiry_ms is not None  # only orders with an expiry are in the heap
            self._emit.expired(order.order_id, quantity, order.expiry_ms)
            self._emit.delta(order.side, level)

    def _clear_auction(self, boundary_ms: int) -> None:
        if not self._book.orders:
            return
        clearing = find_clearing(self._book)
        self._emit.auction_cleared(boundary_ms, clearing.price, clearing.volume)
        if clearing.price is not None:
            execute_clearing(self._book, self._emit, clearing.price, boundary_ms)
        unfilled_ioc = [
            order for order in self._book.orders.values() if order.time_in_force is TimeInForce.IOC
        ]
        for order in unfilled_ioc:
            self._remove(order, CancelReason.UNFILLED_REMAINDER)


def _view(order: RestingOrder) -> OpenOrder:
    return OpenOrder(
        order.order_id,
        order.owner,
        order.side,
        PricePerKwh(order.price),
        GxtAmount(order.remaining),
        order.time_in_force,
        order.expiry_ms,
        order.arrival,
    )


def _depth(level: PriceLevel) -> DepthLevel:
    return DepthLevel(PricePerKwh(level.price), GxtAmount(level.quantity), level.count)
