"""The pure mirror rules: rows follow their order accounts through place, settle, claim, cancel;
reconcile fixes drift and counts it."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from solders.pubkey import Pubkey

from gridtokenx.chain.trading.accounts import Order, OrderSide
from gridtokenx.indexer.decoder import OrderTouch, TouchKind
from gridtokenx.indexer.mirror import (
    DriftKind,
    OrderEvent,
    OrderRow,
    OrderStatus,
    decode_order_accounts,
    locked_escrow,
    next_row,
    reconcile,
    row_from_account,
)
from gridtokenx.market.orders import Side, TimeInForce
from gridtokenx.market.wire import AddCommand

MARKET, OWNER = Pubkey.new_unique(), Pubkey.new_unique()
ORDER = str(Pubkey.new_unique())
SIG = "5" * 88


def _add(
    order_id: int = 1, side: Side = Side.BUY, price: int = 150_000, quantity: int = 10**6
) -> AddCommand:
    return AddCommand(
        str(MARKET),
        ORDER,
        str(OWNER),
        order_id,
        side,
        price,
        quantity,
        0,
        TimeInForce.GTC,
        False,
        1_000,
        10,
        SIG,
    )


def _event(
    kind: TouchKind, slot: int, signature: str = SIG, add: AddCommand | None = None
) -> OrderEvent:
    return OrderEvent(OrderTouch(kind, str(MARKET), ORDER, add), slot, signature)


def _account(
    add: AddCommand, filled: int = 0, claimable_energy: int = 0, escrow: int | None = None
) -> Order:
    return Order(
        market=MARKET,
        owner=OWNER,
        order_id=add.order_id,
        price=add.price,
        quantity=add.quantity,
        filled=filled,
        escrow=locked_escrow(add.side, add.price, add.quantity) if escrow is None else escrow,
        claimable_energy=claimable_energy,
        claimable_quote=0,
        expiry=add.expiry_s,
        created_at=1,
        side=OrderSide.BUY if add.side is Side.BUY else OrderSide.SELL,
        bump=255,
    )


def test_a_placed_order_is_open_with_its_escrow() -> None:
    add = _add(price=150_001, quantity=3)
    row = next_row(ORDER, None, [_event(TouchKind.PLACE, 10, add=add)], _account(add), 10)
    assert row is not None
    assert (row.status, row.filled, row.escrow, row.placed_signature, row.placed_slot) == (
        OrderStatus.OPEN,
        0,
        1,
        SIG,
        10,  # ceil(150001 * 3 / 10**6) = 1
    )


def test_settle_copies_the_account_and_a_full_fill_is_filled_until_claimed() -> None:
    add = _add()
    placed = next_row(ORDER, None, [_event(TouchKind.PLACE, 10, add=add)], _account(add), 10)
    partly = next_row(
        ORDER, placed, [_event(TouchKind.SETTLE, 11, "s1")], _account(add, 400, 400, 10), 11
    )
    assert partly is not None
    assert (partly.status, partly.filled, partly.claimable_energy, partly.escrow) == (
        OrderStatus.OPEN,
        400,
        400,
        10,
    )
    assert (partly.updated_slot, partly.updated_signature) == (11, "s1")
    full = next_row(ORDER, partly, [_event(TouchKind.SETTLE, 12)], _account(add, 10**6, 10**6), 12)
    assert full is not None
    assert full.status is OrderStatus.FILLED
    closed = next_row(ORDER, full, [_event(TouchKind.CLAIM, 13, "c")], None, 13)
    assert closed is not None
    assert (closed.status, closed.filled, closed.claimable_energy, closed.closed_signature) == (
        OrderStatus.CLOSED,
        10**6,
        0,
        "c",
    )


def test_a_claim_of_a_partly_filled_order_keeps_it_open() -> None:
    add = _add()
    row = next_row(ORDER, None, [_event(TouchKind.PLACE, 10, add=add)], _account(add), 10)
    claimed = next_row(ORDER, row, [_event(TouchKind.CLAIM, 11)], _account(add, 5, 0), 11)
    assert claimed is not None
    assert (claimed.status, claimed.filled, claimed.claimable_energy) == (OrderStatus.OPEN, 5, 0)


def test_cancel_closes_the_row_and_keeps_the_last_read_fill() -> None:
    add = _add()
    row = next_row(ORDER, None, [_event(TouchKind.PLACE, 10, add=add)], _account(add, 7, 7), 10)
    cancelled = next_row(ORDER, row, [_event(TouchKind.CANCEL, 11, "x")], None, 11)
    assert cancelled is not None
    assert (cancelled.status, cancelled.filled, cancelled.escrow, cancelled.closed_signature) == (
        OrderStatus.CANCELLED,
        7,
        0,
        "x",
    )


def test_place_and_cancel_in_one_batch_end_cancelled() -> None:
    add = _add()
    events = [_event(TouchKind.PLACE, 10, add=add), _event(TouchKind.CANCEL, 10, "x")]
    row = next_row(ORDER, None, events, None, 10)
    assert row is not None
    assert row.status is OrderStatus.CANCELLED


def test_an_account_gone_without_a_seen_close_waits_for_its_transaction() -> None:
    add = _add()
    row = next_row(ORDER, None, [_event(TouchKind.PLACE, 10, add=add)], None, 10)
    assert row is not None
    assert row.status is OrderStatus.OPEN


def test_a_reused_order_address_starts_a_new_lifecycle() -> None:
    first = _add(quantity=5)
    row = next_row(ORDER, None, [_event(TouchKind.PLACE, 10, add=first)], None, 10)
    row = next_row(ORDER, row, [_event(TouchKind.CANCEL, 11)], None, 11)
    again = _add(quantity=9)
    row = next_row(ORDER, row, [_event(TouchKind.PLACE, 12, "p2", again)], _account(again), 12)
    assert row is not None
    assert (row.status, row.quantity, row.placed_signature, row.closed_signature) == (
        OrderStatus.OPEN,
        9,
        SIG,
        None,
    )


def test_an_order_never_seen_placed_is_taken_from_its_account() -> None:
    add = _add(side=Side.SELL)
    row = next_row(ORDER, None, [_event(TouchKind.SETTLE, 20)], _account(add, 3), 20)
    assert row is not None
    assert (row.side, row.filled, row.placed_signature, row.updated_slot) == (
        Side.SELL,
        3,
        None,
        20,
    )
    assert next_row(ORDER, None, [_event(TouchKind.SETTLE, 20)], None, 20) is None


# Reconcile ----------------------------------------------------------------------------------


_amount = st.integers(0, 10**9)


@st.composite
def _orders(draw: st.DrawFn) -> Order:
    quantity = draw(st.integers(1, 10**9))
    return Order(
        market=MARKET,
        owner=draw(st.sampled_from([OWNER, Pubkey.new_unique()])),
        order_id=draw(st.integers(0, 2**64 - 1)),
        price=draw(st.integers(1, 10**9)),
        quantity=quantity,
        filled=draw(st.integers(0, quantity)),
        escrow=draw(_amount),
        claimable_energy=draw(_amount),
        claimable_quote=draw(_amount),
        expiry=draw(st.integers(0, 2**40)),
        created_at=0,
        side=draw(st.sampled_from(list(OrderSide))),
        bump=1,
    )


@settings(max_examples=80, deadline=None)
@given(
    chain=st.dictionaries(st.integers(0, 30), _orders(), max_size=8),
    mirrored=st.dictionaries(st.integers(0, 30), st.tuples(st.booleans(), _amount), max_size=8),
)
def test_reconcile_makes_the_live_rows_equal_the_chain_and_counts_every_fix(
    chain: dict[int, Order], mirrored: dict[int, tuple[bool, int]]
) -> None:
    address = {i: str(Pubkey.from_bytes(i.to_bytes(32, "big"))) for i in range(31)}
    accounts = {address[i]: order for i, order in chain.items()}
    live: dict[str, OrderRow] = {}
    for i, (known, skew) in mirrored.items():
        if i in chain and known:
            row = row_from_account(address[i], chain[i], 1)
            live[address[i]] = replace(row, escrow=row.escrow + skew % 2)  # drifted or not
        elif i not in chain:
            live[address[i]] = replace(
                row_from_account(address[i], _template(), 1),
                order=address[i],
            )
    result = reconcile(live, accounts, 50)
    fixed = {**live, **{row.order: row for row in result.fixes}}
    now_live = {a: r for a, r in fixed.items() if r.status.is_live}
    assert set(now_live) == set(accounts)
    assert reconcile(now_live, accounts, 51).drift == dict.fromkeys(DriftKind, 0)
    assert sum(result.drift.values()) == len(result.fixes)
    assert result.drift[DriftKind.VANISHED] == len(set(live) - set(accounts))
    assert result.drift[DriftKind.MISSING] == len(set(accounts) - set(live))


def _template() -> Order:
    return Order(MARKET, OWNER, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1)


def test_decode_order_accounts_skips_other_account_types() -> None:
    order = _template()
    found = decode_order_accounts([(MARKET, order.encode()), (OWNER, b"\0" * 160)])
    assert found == {str(MARKET): order}
