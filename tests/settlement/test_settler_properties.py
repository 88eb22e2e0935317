"""For any interleaving of new trades, cancelled orders, lost and delayed transactions, expiries
and process deaths between any two requests, the real ``Settler`` over the real PostgreSQL
ledger never has two transactions for a trade that could both land, applies each trade's fill at
most once, and ends with every trade settled (applied exactly once) or rejected because one of
its orders was closed."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.chain.trading.builders import MarketKeys
from gridtokenx.config import Settings
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.market.orders import Side
from gridtokenx.market.wire import TradeMessage
from gridtokenx.settlement.core import BatchLimits
from gridtokenx.settlement.repository import ReceivedTrade, SettlementStore
from gridtokenx.settlement.service import Settler, SettlerPolicy
from tests.minting.model import Crash
from tests.settlement.model import ModelChain, ModelOrder
from tests.utils.databases import scratch_database

pytestmark = pytest.mark.integration

MARKET = str(Pubkey.new_unique())
BUYS = [str(Pubkey.new_unique()) for _ in range(4)]
SELLS = [str(Pubkey.new_unique()) for _ in range(4)]
ORDER_QUANTITY = 12
POLICY = SettlerPolicy(
    limits=BatchLimits(max_fills=4, max_orders=6, min_fills=3, max_linger_ms=0),
    confirm_poll_s=0,
    resend_interval_s=0,
    max_landed_failures=1_000,
    claim=True,
)


@pytest.fixture(scope="module")
def ledger_url(running_stack: Settings) -> Iterator[str]:
    with scratch_database(running_stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        yield postgres.url


class SettlerMachine(RuleBasedStateMachine):
    url: str = ""

    def __init__(self) -> None:
        super().__init__()
        with psycopg.connect(self.url) as connection:
            connection.execute(
                "TRUNCATE settlement_claims, settlement_trades, settlement_batches RESTART IDENTITY"
            )
        self.store = SettlementStore(self.url)
        self.trades: list[TradeMessage] = []
        self.cancelled: set[str] = set()

    @initialize(seed=st.integers(min_value=0, max_value=2**32))
    def start(self, seed: int) -> None:
        keys = MarketKeys(*(Pubkey.new_unique() for _ in range(7)))
        matcher = Keypair()
        self.chain = ModelChain(
            keys,
            matcher,
            matcher,
            {order: ModelOrder(ORDER_QUANTITY) for order in [*BUYS, *SELLS]},
            random.Random(seed),
        )

    def teardown(self) -> None:
        self.store.close()

    @rule(
        pairs=st.lists(
            st.tuples(st.sampled_from(BUYS), st.sampled_from(SELLS)), min_size=1, max_size=6
        )
    )
    def match(self, pairs: list[tuple[str, str]]) -> None:
        """The matcher's next trades (only while both orders have room, as it guarantees)."""
        planned: dict[str, int] = {}
        for trade in self.trades:
            for order in (trade.buy_order, trade.sell_order):
                planned[order] = planned.get(order, 0) + trade.quantity
        received = []
        for buy, sell in pairs:
            if max(planned.get(buy, 0), planned.get(sell, 0)) + 1 > ORDER_QUANTITY:
                continue
            planned[buy] = planned.get(buy, 0) + 1
            planned[sell] = planned.get(sell, 0) + 1
            trade_id = len(self.trades) + 1
            trade = TradeMessage(
                MARKET, trade_id, trade_id, buy, sell, buy, sell, 1_000 + trade_id, 1,
                Side.SELL, trade_id, trade_id, 0, 0,
            )  # fmt: skip
            self.trades.append(trade)
            received.append(ReceivedTrade(trade, 0, trade_id))
        # Kafka redelivers: storing the same trades again changes nothing.
        assert self.store.record_trades(received) == len(received)
        assert self.store.record_trades(received) == 0

    @rule(order=st.sampled_from([*BUYS, *SELLS]))
    def cancel(self, order: str) -> None:
        """The owner cancels (or claims shut) an order before its trades settle."""
        self.chain.orders[order].closed = True
        self.cancelled.add(order)

    @rule(crash_after=st.none() | st.integers(min_value=0, max_value=12))
    def run_step(self, crash_after: int | None) -> None:
        """A process runs one settle round, or dies after ``crash_after`` requests; each round
        is a fresh ``Settler`` (what a restart sees)."""
        self.chain.crash_in = crash_after
        settler = Settler(self.store, self.chain, POLICY)
        with contextlib.suppress(Crash):
            asyncio.run(settler.step())
        self.chain.crash_in = None

    @precondition(lambda self: bool(self.trades))
    @rule()
    def expire_everything(self) -> None:
        self.chain.height += 10

    @invariant()
    def never_two_transactions_that_could_land(self) -> None:
        for trade in self.trades:
            alive = self.chain.alive_signatures(trade.price)
            assert len(alive) <= 1, (trade.trade_id, alive)
            assert len(self.chain.applied.get(trade.price, [])) <= 1

    def check_final(self) -> None:
        """Run to the end without deaths or losses; every trade settled once or rejected."""
        self.chain.lose_probability = 0
        self.chain.delay_probability = 0
        settler = Settler(self.store, self.chain, POLICY)
        for _ in range(200):
            asyncio.run(settler.step())
            if self.store.open_work(claims=True) == 0:
                break
        assert self.store.open_work(claims=True) == 0
        with psycopg.connect(self.url) as connection:
            rows = connection.execute(
                "SELECT trade_id, status, reason FROM settlement_trades"
            ).fetchall()
        statuses = {int(trade_id): (status, reason) for trade_id, status, reason in rows}
        for trade in self.trades:
            status, reason = statuses[trade.trade_id]
            applied = len(self.chain.applied.get(trade.price, []))
            if status == "settled":
                assert applied == 1
            else:
                assert (status, reason) == ("rejected", "WrongAccountOwner")
                assert applied == 0
                assert {trade.buy_order, trade.sell_order} & self.cancelled


class _Finishing(SettlerMachine):
    def teardown(self) -> None:
        try:
            self.check_final()
        finally:
            super().teardown()


def test_the_settler_settles_each_trade_once_through_crashes_and_losses(ledger_url: str) -> None:
    _Finishing.url = ledger_url
    _Finishing.TestCase.settings = settings(
        max_examples=40,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    _Finishing.TestCase().runTest()
