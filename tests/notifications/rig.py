"""Shared pieces of the notifier tests: accounts with linked wallets, trades written by the
settlement service's own ledger code, and running passes until every change is read."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass

import psycopg

from gridtokenx.config import PostgresSettings
from gridtokenx.market.wire import TradeMessage
from gridtokenx.notifications.service import Notifier, PassCounts
from gridtokenx.settlement.repository import ReceivedTrade, SettlementStore

MARKET = "GXT-USDC"
_CATCH_UP_S = 30.0


@dataclass
class Party:
    user_id: uuid.UUID
    wallet: str


def new_wallet() -> str:
    return uuid.uuid4().hex[:32] + "W" * 4


def add_user(postgres: PostgresSettings, *, email: str | None = None) -> Party:
    party = Party(uuid.uuid4(), new_wallet())
    with psycopg.connect(postgres.url, autocommit=True) as connection:
        connection.execute(
            "INSERT INTO users (id, role, email, email_verified_at) VALUES (%s, 'consumer', %s, "
            "CASE WHEN %s THEN now() END)",
            (party.user_id, email, email is not None),
        )
        connection.execute(
            "INSERT INTO wallets (address, user_id) VALUES (%s, %s)", (party.wallet, party.user_id)
        )
    return party


def insert_trade(postgres: PostgresSettings, trade_id: int, buyer: str, seller: str) -> None:
    """A trade stored by the settlement service's own ledger code, as read from ``trades``."""
    trade = TradeMessage(
        market=MARKET,
        trade_id=trade_id,
        sequence=trade_id,
        buy_order="BuyOrderAccount",
        sell_order="SellOrderAccount",
        buyer=buyer,
        seller=seller,
        price=120_000,
        quantity=1_500_000,
        maker_side=None,
        timestamp_ms=1_700_000_000_000,
        command_offset=trade_id,
        buy_order_offset=trade_id,
        sell_order_offset=trade_id,
    )
    store = SettlementStore(postgres.url)
    try:
        assert store.record_trades([ReceivedTrade(trade, 0, trade_id)]) == 1
    finally:
        store.close()


def settle_trade(postgres: PostgresSettings, trade_id: int) -> None:
    """Submit the pending trade in a batch and settle it, through the settlement ledger."""
    store = SettlementStore(postgres.url)
    try:
        pending, _ = store.pending(MARKET, 1000)
        trades = [trade for trade in pending if trade.trade_id == trade_id]
        batch = store.submit_batch(MARKET, trades, f"settleSig{trade_id}", b"\x00", 100, 2)
        assert batch is not None
        assert len(store.settle_batch(batch.batch_id, 42)) == 1
    finally:
        store.close()


def pending_changes(postgres: PostgresSettings) -> int:
    with psycopg.connect(postgres.url) as connection:
        row = connection.execute("SELECT count(*) FROM notification_changes").fetchone()
    return int(row[0]) if row else 0


async def run_until_caught_up(notifier: Notifier, postgres: PostgresSettings) -> PassCounts:
    """Run passes until no recorded change is left to read, or one stops on a failure; answers
    the totals. A change becomes readable once every transaction older than it has ended, which
    the shared stack's own transactions can delay by a moment."""
    total = PassCounts()
    deadline = time.monotonic() + _CATCH_UP_S
    while True:
        counts = await notifier.run_pass()
        total.changes += counts.changes
        total.deliveries += counts.deliveries
        total.notifications += counts.notifications
        total.published += counts.published
        total.emails_sent += counts.emails_sent
        total.failures += counts.failures
        if counts.failures or pending_changes(postgres) == 0:
            return total
        assert time.monotonic() < deadline, "the notifier never read every change"
        await asyncio.sleep(0.05)
