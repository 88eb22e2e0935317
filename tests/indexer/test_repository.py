"""The mirror's PostgreSQL store: u64 amounts round-trip, upserts replace, the cursor moves with
the rows in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from solders.pubkey import Pubkey

from gridtokenx.config import Settings
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.indexer.mirror import OrderRow, OrderStatus
from gridtokenx.indexer.repository import Cursor, OrderMirror
from gridtokenx.market.orders import Side
from tests.utils.databases import scratch_database

pytestmark = pytest.mark.integration

U64 = 2**64 - 1


@pytest.fixture
def mirror(running_stack: Settings) -> Iterator[OrderMirror]:
    with scratch_database(running_stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        store = OrderMirror(postgres.url, str(Pubkey.new_unique()))
        try:
            yield store
        finally:
            store.close()


def _row(status: OrderStatus = OrderStatus.OPEN, filled: int = 0) -> OrderRow:
    return OrderRow(
        order=str(Pubkey.new_unique()),
        market=str(Pubkey.new_unique()),
        owner=str(Pubkey.new_unique()),
        order_id=U64,
        side=Side.SELL,
        price=U64,
        quantity=U64,
        expiry_s=2**63 - 1,
        filled=filled,
        escrow=U64,
        claimable_energy=U64,
        claimable_quote=U64,
        status=status,
        placed_signature="5" * 88,
        placed_slot=7,
        updated_slot=9,
        updated_signature=None,
        closed_signature=None,
    )


def test_rows_and_cursor_round_trip_with_u64_extremes(mirror: OrderMirror) -> None:
    assert mirror.cursor() is None
    live, done = _row(), _row(OrderStatus.CANCELLED)
    mirror.commit([live, done], Cursor("4" * 88, 12, 1_790_000_000_000))
    assert mirror.rows([live.order, done.order, "absent"]) == {live.order: live, done.order: done}
    assert mirror.live_rows() == {live.order: live}
    assert mirror.cursor() == Cursor("4" * 88, 12, 1_790_000_000_000)


def test_an_upsert_replaces_the_row_and_a_commit_without_cursor_keeps_it(
    mirror: OrderMirror,
) -> None:
    row = _row()
    mirror.commit([row], Cursor("a" * 88, 1, 0))
    filled = replace(row, filled=U64, status=OrderStatus.FILLED)
    mirror.commit([filled], None)
    assert mirror.all_rows() == [filled]
    assert mirror.cursor() == Cursor("a" * 88, 1, 0)
