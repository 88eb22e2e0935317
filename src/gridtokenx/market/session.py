"""One market inside the matching service: wire commands in, trade and book-delta messages out.

Pure and deterministic like the engine it wraps: the same commands at the same offsets always
give the same messages, which is what lets the service rebuild a market by replaying its
commands after a snapshot. What it adds to the engine:

* **Order accounts.** On chain an order is an account whose ``order_id`` is unique per owner
  only, so each add gets the next engine id of the market and the session remembers, for every
  live order, its account, owner and the offset of the command that placed it.
* **Chain order.** Add and cancel commands must come in non-decreasing slot order; an earlier
  slot is refused as out of order, and the same command again in the latest slot as a duplicate.
* **Releases.** A chain order placed as IOC or post-only that the engine finishes without
  filling it completely (the rest of an IOC, a post-only order that would have taken, an expiry,
  self-trade prevention) gets a release message: its escrow is still locked on chain, and the
  settlement service cancels it there (:class:`~gridtokenx.market.wire.ReleaseMessage`).
* **Book-delta continuity.** Each book-delta message names the sequence the previous one ended
  at, so a reader detects a missed record.

Snapshots are plain JSON-compatible data holding the engine's snapshot and the above; restoring
one and applying the later commands reproduces the original messages exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, NamedTuple

from gridtokenx.core.units import GxtAmount, PricePerKwh
from gridtokenx.market.commands import AddOrder, AdvanceTime, CancelOrder
from gridtokenx.market.config import MarketConfig
from gridtokenx.market.engine import MatchingEngine
from gridtokenx.market.errors import SnapshotError
from gridtokenx.market.events import (
    BookDelta,
    CancelReason,
    CommandRejected,
    Event,
    OrderCancelled,
    OrderExpired,
    OrderFilled,
    Trade,
)
from gridtokenx.market.orders import TimeInForce
from gridtokenx.market.validation import is_u64
from gridtokenx.market.wire import (
    AddCommand,
    AdvanceCommand,
    BookDeltaMessage,
    CancelCommand,
    LevelDelta,
    OrderCommand,
    RejectionReason,
    ReleaseMessage,
    TradeMessage,
)

SESSION_SNAPSHOT_VERSION: Final = 1


class OrderRef(NamedTuple):
    """What the session knows of a live order beyond the engine: where it came from."""

    account: str
    owner: str
    offset: int
    """The ``order-commands`` offset of the add that placed it."""
    releasable: bool = False
    """Placed as IOC or post-only: the market's matcher may cancel it on chain."""


class Rejection(NamedTuple):
    reason: RejectionReason
    detail: str


@dataclass
class Outcome:
    """What one command did: messages to publish and rejections to report."""

    trades: list[TradeMessage] = field(default_factory=list)
    book_delta: BookDeltaMessage | None = None
    releases: list[ReleaseMessage] = field(default_factory=list)
    rejection: Rejection | None = None
    """Refused by the session (never reached the engine)."""
    engine_rejections: list[CommandRejected] = field(default_factory=list)
    """Refused by the engine (e.g. a fill-or-kill that cannot fill); the book is unchanged."""


class MarketSession:
    """One market's engine plus the bookkeeping the wire format needs."""

    def __init__(self, market: str, config: MarketConfig) -> None:
        self.market = market
        self.engine = MatchingEngine(config)
        self._orders: dict[int, OrderRef] = {}
        self._ids_by_account: dict[str, int] = {}
        self._last_order_id = 0
        self._last_slot = 0
        self._slot_commands: set[tuple[str, str, str]] = set()
        self._last_delta_sequence = 0
        self._last_trade_id = 0

    def live_orders(self) -> dict[str, OrderRef]:
        """Every live order by account."""
        return {ref.account: ref for ref in self._orders.values()}

    def engine_order_id(self, account: str) -> int | None:
        """The engine's id of the live order ``account``, or ``None``."""
        return self._ids_by_account.get(account)

    def apply(self, command: OrderCommand, offset: int) -> Outcome:
        """Carry out ``command`` (read at ``offset``); never raises for a bad command."""
        if isinstance(command, AdvanceCommand):
            return self._outcome(self.engine.apply(AdvanceTime(command.timestamp_ms)), offset)
        rejection = self._check_chain_order(command)
        if rejection is not None:
            return Outcome(rejection=rejection)
        if isinstance(command, AddCommand):
            return self._add(command, offset)
        return self._cancel(command, offset)

    def _check_chain_order(self, command: AddCommand | CancelCommand) -> Rejection | None:
        kind = "add" if isinstance(command, AddCommand) else "cancel"
        identity = (command.signature, kind, command.order)
        if command.slot < self._last_slot:
            return Rejection(
                RejectionReason.OUT_OF_ORDER,
                f"{kind} of {command.order} in slot {command.slot}, before the market's last "
                f"applied slot {self._last_slot}",
            )
        if command.slot > self._last_slot:
            self._last_slot = command.slot
            self._slot_commands.clear()
        elif identity in self._slot_commands:
            return Rejection(
                RejectionReason.DUPLICATE,
                f"{kind} of {command.order} from transaction {command.signature} was applied",
            )
        self._slot_commands.add(identity)
        return None

    def _add(self, command: AddCommand, offset: int) -> Outcome:
        if command.order in self._ids_by_account:
            return Outcome(
                rejection=Rejection(
                    RejectionReason.ORDER_ALREADY_LIVE,
                    f"order {command.order} is live in market {self.market}",
                )
            )
        self._last_order_id += 1
        order_id = self._last_order_id
        releasable = command.post_only or command.time_in_force is not TimeInForce.GTC
        self._orders[order_id] = OrderRef(command.order, command.owner, offset, releasable)
        self._ids_by_account[command.order] = order_id
        events = self.engine.apply(
            AddOrder(
                order_id=order_id,
                owner=command.owner,
                side=command.side,
                price=PricePerKwh(command.price),
                quantity=GxtAmount(command.quantity),
                timestamp_ms=command.timestamp_ms,
                time_in_force=command.time_in_force,
                post_only=command.post_only,
                expiry_ms=command.expiry_s * 1000 if command.expiry_s else None,
            )
        )
        return self._outcome(events, offset)

    def _cancel(self, command: CancelCommand, offset: int) -> Outcome:
        order_id = self._ids_by_account.get(command.order)
        if order_id is None:
            return Outcome(
                rejection=Rejection(
                    RejectionReason.UNKNOWN_ORDER,
                    f"order {command.order} is not live in market {self.market}",
                )
            )
        owner = self._orders[order_id].owner
        if command.owner != owner:
            return Outcome(
                rejection=Rejection(
                    RejectionReason.OWNER_MISMATCH,
                    f"order {command.order} belongs to {owner}, not {command.owner}",
                )
            )
        events: list[Event] = []
        # The cancel happened at its own time: expiries and clearings due by then come first.
        if command.timestamp_ms > self.engine.clock_ms:
            events += self.engine.apply(AdvanceTime(command.timestamp_ms))
        events += self.engine.apply(CancelOrder(order_id))
        return self._outcome(events, offset)

    def _outcome(self, events: list[Event], offset: int) -> Outcome:
        outcome = Outcome()
        deltas: list[LevelDelta] = []
        finished: list[int] = []
        released: dict[int, str] = {}
        for event in events:
            kind = type(event)
            if kind is Trade:
                assert isinstance(event, Trade)
                outcome.trades.append(self._trade_message(event, offset))
            elif kind is BookDelta:
                assert isinstance(event, BookDelta)
                deltas.append(
                    LevelDelta(
                        event.sequence, event.side, event.price, event.quantity, event.order_count
                    )
                )
            elif kind is OrderFilled or kind is OrderCancelled or kind is OrderExpired:
                assert isinstance(event, OrderFilled | OrderCancelled | OrderExpired)
                finished.append(event.order_id)
                if kind is OrderExpired:
                    released[event.order_id] = "expired"
                elif kind is OrderCancelled:
                    assert isinstance(event, OrderCancelled)
                    if event.reason is not CancelReason.REQUESTED:  # requested: closed on chain
                        released[event.order_id] = event.reason.value
            elif kind is CommandRejected:
                assert isinstance(event, CommandRejected)
                outcome.engine_rejections.append(event)
                # A refused add never entered the book; a refused cancel names no live order.
                if event.order_id is not None and self.engine.open_order(event.order_id) is None:
                    finished.append(event.order_id)
                    released[event.order_id] = event.reason.value
        for order_id in finished:
            ref = self._orders.pop(order_id, None)
            if ref is not None:
                del self._ids_by_account[ref.account]
                reason = released.get(order_id)
                if ref.releasable and reason is not None:
                    outcome.releases.append(
                        ReleaseMessage(
                            self.market,
                            ref.account,
                            ref.owner,
                            reason,
                            self._last_trade_id,
                            offset,
                            ref.offset,
                        )
                    )
        if deltas:
            last_sequence = self.engine.last_sequence
            outcome.book_delta = BookDeltaMessage(
                self.market, self._last_delta_sequence, last_sequence, offset, tuple(deltas)
            )
            self._last_delta_sequence = last_sequence
        return outcome

    def _trade_message(self, trade: Trade, offset: int) -> TradeMessage:
        self._last_trade_id = max(self._last_trade_id, trade.trade_id)
        buy, sell = self._orders[trade.buy_order_id], self._orders[trade.sell_order_id]
        return TradeMessage(
            market=self.market,
            trade_id=trade.trade_id,
            sequence=trade.sequence,
            buy_order=buy.account,
            sell_order=sell.account,
            buyer=buy.owner,
            seller=sell.owner,
            price=trade.price,
            quantity=trade.quantity,
            maker_side=trade.maker_side,
            timestamp_ms=trade.timestamp_ms,
            command_offset=offset,
            buy_order_offset=buy.offset,
            sell_order_offset=sell.offset,
        )

    # Snapshots ---------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, object]:
        """The session's whole state as plain JSON-compatible data."""
        return {
            "version": SESSION_SNAPSHOT_VERSION,
            "market": self.market,
            "engine": self.engine.snapshot(),
            "last_order_id": self._last_order_id,
            "last_slot": self._last_slot,
            "slot_commands": sorted(list(identity) for identity in self._slot_commands),
            "last_delta_sequence": self._last_delta_sequence,
            "last_trade_id": self._last_trade_id,
            "orders": [
                {
                    "order_id": order_id,
                    "account": ref.account,
                    "owner": ref.owner,
                    "offset": ref.offset,
                    "releasable": ref.releasable,
                }
                for order_id, ref in sorted(self._orders.items())
            ],
        }

    @classmethod
    def restore(cls, data: Mapping[str, object]) -> MarketSession:
        """A session in the state ``data`` (from :meth:`snapshot`) was taken in."""
        if data.get("version") != SESSION_SNAPSHOT_VERSION:
            raise SnapshotError(
                f"session snapshot version {data.get('version')!r} is not "
                f"{SESSION_SNAPSHOT_VERSION}"
            )
        market, engine = data.get("market"), data.get("engine")
        if not isinstance(market, str) or not isinstance(engine, Mapping):
            raise SnapshotError("session snapshot: market must be a str and engine a mapping")
        session = cls.__new__(cls)
        session.market = market
        session.engine = MatchingEngine.restore(engine)
        session._last_order_id = _u64(data, "last_order_id")
        session._last_slot = _u64(data, "last_slot")
        session._last_delta_sequence = _u64(data, "last_delta_sequence")
        # Snapshots from before releases existed lack the next two (no order was releasable).
        session._last_trade_id = _u64(data, "last_trade_id") if "last_trade_id" in data else 0
        session._slot_commands = {_identity(item) for item in _list(data, "slot_commands")}
        session._orders = {}
        session._ids_by_account = {}
        for item in _list(data, "orders"):
            if not isinstance(item, Mapping):
                raise SnapshotError(f"session snapshot: an order is not a mapping: {item!r:.80}")
            order_id = _u64(item, "order_id")
            account, owner = item.get("account"), item.get("owner")
            if not isinstance(account, str) or not isinstance(owner, str):
                raise SnapshotError(f"session snapshot: order {order_id} lacks account or owner")
            releasable = item.get("releasable", False)
            if not isinstance(releasable, bool):
                raise SnapshotError(f"session snapshot: order {order_id} releasable is no bool")
            session._orders[order_id] = OrderRef(account, owner, _u64(item, "offset"), releasable)
            session._ids_by_account[account] = order_id
        live = {order.order_id for order in session.engine.open_orders()}
        if live != set(session._orders) or len(session._ids_by_account) != len(live):
            raise SnapshotError(
                f"session snapshot of {market}: its orders do not match the engine's live orders"
            )
        return session


def _u64(data: Mapping[str, object], key: str) -> int:
    value = data.get(key)
    if not is_u64(value):
        raise SnapshotError(f"session snapshot: {key} must be an int in 0..2**64-1: {value!r}")
    return value


def _list(data: Mapping[str, object], key: str) -> list[object]:
    value = data.get(key)
    if not isinstance(value, list):
        raise SnapshotError(f"session snapshot: {key} must be a list, got {value!r:.80}")
    return value


def _identity(item: object) -> tuple[str, str, str]:
    if not (isinstance(item, list) and len(item) == 3 and all(isinstance(x, str) for x in item)):
        raise SnapshotError(f"session snapshot: a slot command is not 3 strings: {item!r:.80}")
    return (item[0], item[1], item[2])
