"""The ledger's order releases: stored once, and ready only when no trade of the order up to
``after_trade_id`` can still settle (a cancel first would close the order under its fill)."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from solders.pubkey import Pubkey

from gridtokenx.config import Settings
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.market.orders import Side
from gridtokenx.market.wire import ReleaseMessage, TradeMessage
from gridtokenx.settlement.repository import (
    PendingRelease,
    ReceivedTrade,
    ReleaseOutcome,
    SettlementStore,
)
from tests.utils.databases import scratch_database

pytestmark = pytest.mark.integration

_RNG = random.Random(5)
MARKET, IOC, MAKER, OTHER, OWNER = (str(Pubkey(_RNG.randbytes(32))) for _ in range(5))


@pytest.fixture
def store(running_stack: Settings) -> Iterator[SettlementStore]:
    with scratch_database(running_stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        ledger = SettlementStore(postgres.url)
        try:
            yield ledger
        finally:
            ledger.close()


def _trade(trade_id: int, buy: str, sell: str) -> ReceivedTrade:
    message = TradeMessage(
        MARKET, trade_id, trade_id, buy, sell, OWNER, OWNER, 100, 1_000, Side.BUY, 0, 0, 0, 0
    )
    return ReceivedTrade(message, 0, trade_id)


def _ready(store: SettlementStore) -> list[str]:
    return [release.order for release in store.releases_ready(10)]


def test_a_release_waits_for_its_orders_trades_and_is_resolved_once(
    store: SettlementStore,
) -> None:
    release = ReleaseMessage(MARKET, IOC, OWNER, "unfilled_remainder", 2, 7, 7)
    assert store.record_releases([release, release]) == 1
    assert store.record_releases([release]) == 0
    # Trade 2 (the order's) not received yet: wait.
    store.record_trades([_trade(1, OTHER, MAKER)])
    assert _ready(store) == []
    # Received, pending: wait. Another order's pending trade would not block it.
    store.record_trades([_trade(2, IOC, MAKER), _trade(3, OTHER, MAKER)])
    assert _ready(store) == []
    assert store.reject(MARKET, 2, "OrderExpired")
    assert _ready(store) == [IOC]
    pending = PendingRelease(MARKET, IOC, 7, OWNER)
    assert store.resolve_release(pending, ReleaseOutcome("cancelled", "sig", 9))
    assert not store.resolve_release(pending, ReleaseOutcome("failed", error="x"))
    assert _ready(store) == []


def test_a_release_without_trades_is_ready_at_once(store: SettlementStore) -> None:
    store.record_releases([ReleaseMessage(MARKET, IOC, OWNER, "post_only_would_cross", 0, 3, 3)])
    assert _ready(store) == [IOC]
    assert store.open_work(claims=False) == 1
