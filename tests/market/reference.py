"""A slow, obviously correct model of continuous matching, to check the engine against.

It keeps resting orders in one list and, for every incoming order, sorts the opposite orders by
price then arrival: the rules of the market written as directly as possible, with none of the
engine's data structures. It knows only what the property tests generate (well-typed commands).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gridtokenx.market import AddOrder, AdvanceTime, CancelOrder, RejectReason, Side, TimeInForce


@dataclass
class ModelOrder:
    order_id: int
    owner: str
    side: Side
    price: int
    remaining: int
    expiry_ms: int | None
    arrival: int


@dataclass
class ModelOutcome:
    """What one command did: trades in order, and everything else as sorted lists."""

    trades: list[tuple[int, int, int, int]] = field(default_factory=list)
    cancelled: list[tuple[int, int]] = field(default_factory=list)
    expired: list[tuple[int, int]] = field(default_factory=list)
    rejected: RejectReason | None = None


class ReferenceMarket:
    def __init__(self, band_per_kwh: int) -> None:
        self.band_per_kwh = band_per_kwh
        self.book: list[ModelOrder] = []
        self.clock_ms = 0
        self.arrivals = 0

    def apply(self, command: AddOrder | CancelOrder | AdvanceTime) -> ModelOutcome:
        outcome = ModelOutcome()
        if isinstance(command, CancelOrder):
            self._cancel(command.order_id, outcome)
        elif isinstance(command, AdvanceTime):
            if command.timestamp_ms < self.clock_ms:
                outcome.rejected = RejectReason.TIMESTAMP_REGRESSED
            else:
                self._advance(command.timestamp_ms, outcome)
        else:
            self._add(command, outcome)
        outcome.cancelled.sort()
        outcome.expired.sort()
        return outcome

    def _cancel(self, order_id: int, outcome: ModelOutcome) -> None:
        for resting in self.book:
            if resting.order_id == order_id:
                self.book.remove(resting)
                outcome.cancelled.append((order_id, resting.remaining))
                return
        outcome.rejected = RejectReason.UNKNOWN_ORDER_ID

    def _advance(self, now_ms: int, outcome: ModelOutcome) -> None:
        for resting in list(self.book):
            if resting.expiry_ms is not None and resting.expiry_ms <= now_ms:
                self.book.remove(resting)
                outcome.expired.append((resting.order_id, resting.remaining))
        self.clock_ms = now_ms

    def _add(self, command: AddOrder, outcome: ModelOutcome) -> None:
        outcome.rejected = self._check(command)
        if outcome.rejected is not None:
            return
        self._advance(command.timestamp_ms, outcome)
        if any(resting.order_id == command.order_id for resting in self.book):
            outcome.rejected = RejectReason.DUPLICATE_ORDER_ID
            return
        is_buy = command.side is Side.BUY
        opposite = [resting for resting in self.book if resting.side is not command.side]
        if command.price is None:
            if not opposite:
                outcome.rejected = RejectReason.NO_LIQUIDITY
                return
            best = min(o.price for o in opposite) if is_buy else max(o.price for o in opposite)
            limit = best + self.band_per_kwh if is_buy else max(best - self.band_per_kwh, 1)
        else:
            limit = command.price
        crossing = sorted(
            (o for o in opposite if (o.price <= limit if is_buy else o.price >= limit)),
            key=lambda o: (o.price if is_buy else -o.price, o.arrival),
        )
        if command.post_only and crossing:
            outcome.rejected = RejectReason.POST_ONLY_WOULD_CROSS
            return
        others = sum(o.remaining for o in crossing if o.owner != command.owner)
        if command.time_in_force is TimeInForce.FOK and others < command.quantity:
            outcome.rejected = RejectReason.FOK_NOT_FILLABLE
            return
        remaining: int = command.quantity
        for maker in crossing:
            if not remaining:
                break
            if maker.owner == command.owner:
                self.book.remove(maker)
                outcome.cancelled.append((maker.order_id, maker.remaining))
                continue
            fill = min(remaining, maker.remaining)
            buy_id, sell_id = (
                (command.order_id, maker.order_id) if is_buy else (maker.order_id, command.order_id)
            )
            outcome.trades.append((buy_id, sell_id, maker.price, fill))
            remaining -= fill
            maker.remaining -= fill
            if not maker.remaining:
                self.book.remove(maker)
        if remaining and command.time_in_force is TimeInForce.GTC:
            self.arrivals += 1
            self.book.append(
                ModelOrder(
                    command.order_id,
                    command.owner,
                    command.side,
                    limit,
                    remaining,
                    command.expiry_ms,
                    self.arrivals,
                )
            )
        elif remaining:
            outcome.cancelled.append((command.order_id, remaining))

    def _check(self, command: AddOrder) -> RejectReason | None:
        if command.timestamp_ms < self.clock_ms:
            return RejectReason.TIMESTAMP_REGRESSED
        if command.expiry_ms is not None and command.expiry_ms <= command.timestamp_ms:
            return RejectReason.INVALID_EXPIRY
        is_gtc = command.time_in_force is TimeInForce.GTC
        if (command.post_only and not is_gtc) or (command.price is None and is_gtc):
            return RejectReason.UNSUPPORTED_ORDER_TYPE
        return None
