"""Stateful property test of continuous matching against the reference model.

Every step applies one random command to the engine and to :mod:`tests.market.reference`, and
checks that both traded the same (price-time priority, maker prices, self-trade prevention,
order types), then the invariants: the book never crosses, every accepted order's quantity is
conserved, trades respect both limits and never join one owner, the book deltas, the depth
query and the open orders show the same levels, and event sequences have no gap.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from gridtokenx.market import (
    AddOrder,
    AdvanceTime,
    CancelOrder,
    CommandRejected,
    OrderCancelled,
    OrderExpired,
    Side,
)
from tests.market.factories import continuous_engine, fills, of_type
from tests.market.ledger import DepthReplica, OrderLedger
from tests.market.reference import ReferenceMarket
from tests.market.strategies import add_orders, order_ids

BAND = 3


class ContinuousMarket(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.engine = continuous_engine(band=BAND)
        self.model = ReferenceMarket(band_per_kwh=BAND)
        self.ledger = OrderLedger()
        self.depth = DepthReplica()
        self.now_ms = 0

    @rule(data=st.data(), step_ms=st.integers(-5, 20))
    def add(self, data: st.DataObject, step_ms: int) -> None:
        timestamp_ms = max(0, self.now_ms + step_ms)
        self._apply(data.draw(add_orders(auction=False, timestamp_ms=timestamp_ms)))

    @rule(order_id=order_ids)
    def cancel(self, order_id: int) -> None:
        self._apply(CancelOrder(order_id))

    @rule(step_ms=st.integers(-5, 40))
    def advance(self, step_ms: int) -> None:
        self._apply(AdvanceTime(max(0, self.now_ms + step_ms)))

    def _apply(self, command: AddOrder | CancelOrder | AdvanceTime) -> None:
        first_sequence = self.engine.last_sequence + 1
        events = self.engine.apply(command)
        expected = self.model.apply(command)

        assert [event.sequence for event in events] == list(
            range(first_sequence, first_sequence + len(events))
        )
        assert fills(events) == expected.trades
        assert sorted((e.order_id, e.quantity) for e in of_type(events, OrderCancelled)) == (
            expected.cancelled
        )
        assert sorted((e.order_id, e.quantity) for e in of_type(events, OrderExpired)) == (
            expected.expired
        )
        rejections = [event.reason for event in of_type(events, CommandRejected)]
        assert rejections == ([] if expected.rejected is None else [expected.rejected])
        self.ledger.record(events)
        self.depth.record(events)
        self.now_ms = self.engine.clock_ms

    @invariant()
    def the_book_never_crosses(self) -> None:
        best_bid, best_ask = self.engine.best(Side.BUY), self.engine.best(Side.SELL)
        assert best_bid is None or best_ask is None or best_bid.price < best_ask.price

    @invariant()
    def every_order_conserves_its_quantity(self) -> None:
        self.ledger.check_conservation(self.engine)

    @invariant()
    def the_book_is_the_models_book(self) -> None:
        assert [(o.order_id, o.remaining) for o in self.engine.open_orders()] == [
            (o.order_id, o.remaining) for o in self.model.book
        ]

    @invariant()
    def the_deltas_and_the_depth_add_up_the_open_orders(self) -> None:
        self.depth.check_against(self.engine)


ContinuousMarket.TestCase.settings = settings(
    max_examples=80, stateful_step_count=40, deadline=None
)
TestContinuousMarket = ContinuousMarket.TestCase
