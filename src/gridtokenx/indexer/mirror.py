"""The order mirror's rules: how a row follows its on-chain order; pure, no I/O.

A row is one order account's current lifecycle. Its terms (market, owner, id, side, price,
quantity, expiry) come from the ``place_order`` that created it, or from the account itself when
the mirror meets an order it never saw placed. Its progress (``filled``, ``escrow``,
``claimable_*``) is copied from the account as read after the transactions that touched it,
so while the account exists the row matches the chain. Statuses:

* ``open``: the account exists and ``filled < quantity``;
* ``filled``: the account exists, completely filled, its proceeds not yet claimed;
* ``cancelled``: closed by ``cancel_order`` (escrow and claimables paid out);
* ``closed``: closed by the ``claim`` of a completely filled order (``filled = quantity``), or
  found gone by a reconcile pass without the closing transaction being seen.

Once an account is closed there is nothing left to read: a cancelled row keeps the ``filled`` of
the last read, which misses fills settled between that read and the cancel (the account is read
once per indexer batch, so only fills and a cancel that land within one batch window).

An order account's address is derived from (market, owner, order_id), so after a close the same
owner may place the same id again; the row then starts the new lifecycle.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from solders.pubkey import Pubkey

from gridtokenx.chain.trading.accounts import Order, OrderSide, TimeInForce
from gridtokenx.indexer.decoder import DecodedTransaction, OrderTouch, TouchKind
from gridtokenx.market.orders import Side
from gridtokenx.market.orders import TimeInForce as MarketTimeInForce
from gridtokenx.market.wire import AddCommand

_QUOTE_SCALE = 10**6
"""Prices are per kWh = 10**6 GXT base units."""


class OrderStatus(enum.StrEnum):
    OPEN = "open"
    FILLED = "filled"
    CANCELLED = "cancelled"
    CLOSED = "closed"

    @property
    def is_live(self) -> bool:
        return self in (OrderStatus.OPEN, OrderStatus.FILLED)


class DriftKind(enum.StrEnum):
    """How a reconcile pass found the mirror off the chain."""

    MISSING = "missing"
    """An order account on chain without a live row."""
    STALE = "stale"
    """A live row whose progress differs from its account."""
    VANISHED = "vanished"
    """A live row whose account is gone."""


@dataclass(frozen=True, slots=True)
class OrderRow:
    order: str
    market: str
    owner: str
    order_id: int
    side: Side
    price: int
    quantity: int
    expiry_s: int
    filled: int
    escrow: int
    claimable_energy: int
    claimable_quote: int
    status: OrderStatus
    placed_signature: str | None
    placed_slot: int | None
    updated_slot: int
    updated_signature: str | None
    closed_signature: str | None
    time_in_force: TimeInForce = TimeInForce.GTC
    """As placed; the column ``time_in_force`` holds its label (``gtc``/``ioc``/``post_only``)."""


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """One touch of an order by a landed transaction."""

    touch: OrderTouch
    slot: int
    signature: str


def events_by_order(transactions: Iterable[DecodedTransaction]) -> dict[str, list[OrderEvent]]:
    """Every touched order with its events in chain order (failed transactions touch none)."""
    events: dict[str, list[OrderEvent]] = {}
    for transaction in transactions:
        for touch in transaction.touches:
            events.setdefault(touch.order, []).append(
                OrderEvent(touch, transaction.slot, transaction.signature)
            )
    return events


def locked_escrow(side: Side, price: int, quantity: int) -> int:
    """What ``place_order`` locks: the GXT quantity of a sell, ``ceil(price * quantity / 10**6)``
    USDC base units of a buy."""
    if side is Side.SELL:
        return quantity
    return -(-price * quantity // _QUOTE_SCALE)


def command_time_in_force(add: AddCommand) -> TimeInForce:
    """The chain's time in force of the order an add command came from."""
    if add.post_only:
        return TimeInForce.POST_ONLY
    return TimeInForce.IOC if add.time_in_force is MarketTimeInForce.IOC else TimeInForce.GTC


def placed_row(add: AddCommand) -> OrderRow:
    return OrderRow(
        order=add.order,
        market=add.market,
        owner=add.owner,
        order_id=add.order_id,
        side=add.side,
        price=add.price,
        quantity=add.quantity,
        expiry_s=add.expiry_s,
        filled=0,
        escrow=locked_escrow(add.side, add.price, add.quantity),
        claimable_energy=0,
        claimable_quote=0,
        status=OrderStatus.OPEN,
        placed_signature=add.signature,
        placed_slot=add.slot,
        updated_slot=add.slot,
        updated_signature=add.signature,
        closed_signature=None,
        time_in_force=command_time_in_force(add),
    )


def row_from_account(address: str, account: Order, slot: int) -> OrderRow:
    """A row for an order the mirror never saw placed."""
    side = Side.SELL if account.side == OrderSide.SELL else Side.BUY
    return with_account(
        OrderRow(
            order=address,
            market=str(account.market),
            owner=str(account.owner),
            order_id=account.order_id,
            side=side,
            price=account.price,
            quantity=account.quantity,
            expiry_s=account.expiry,
            filled=0,
            escrow=0,
            claimable_energy=0,
            claimable_quote=0,
            status=OrderStatus.OPEN,
            placed_signature=None,
            placed_slot=None,
            updated_slot=slot,
            updated_signature=None,
            closed_signature=None,
            time_in_force=_account_time_in_force(account),
        ),
        account,
    )


def _account_time_in_force(account: Order) -> TimeInForce:
    try:
        return TimeInForce(account.time_in_force)
    except ValueError:
        return TimeInForce.GTC  # the program never stores another value


def with_account(row: OrderRow, account: Order) -> OrderRow:
    """``row`` with the account's progress and the status it implies."""
    filled = account.filled
    return replace(
        row,
        filled=filled,
        escrow=account.escrow,
        claimable_energy=account.claimable_energy,
        claimable_quote=account.claimable_quote,
        status=OrderStatus.FILLED if filled >= row.quantity else OrderStatus.OPEN,
    )


def _same_order(row: OrderRow, account: Order) -> bool:
    return (
        str(account.owner) == row.owner
        and str(account.market) == row.market
        and account.order_id == row.order_id
    )


def next_row(
    address: str,
    existing: OrderRow | None,
    events: Sequence[OrderEvent],
    account: Order | None,
    read_slot: int,
) -> OrderRow | None:
    """The row of ``address`` after ``events`` (oldest first), given its account as read after
    them (``None``: closed or never created). ``None`` when there is nothing to record."""
    row = existing
    for event in events:
        touch = event.touch
        if touch.kind is TouchKind.PLACE:
            assert touch.placed is not None
            row = placed_row(touch.placed)
            continue
        if row is None:
            if account is None:
                continue  # touched and gone before the mirror ever saw it
            row = row_from_account(address, account, event.slot)
        row = replace(row, updated_slot=event.slot, updated_signature=event.signature)
        if touch.kind is TouchKind.CANCEL:
            row = replace(
                row,
                escrow=0,
                claimable_energy=0,
                claimable_quote=0,
                status=OrderStatus.CANCELLED,
                closed_signature=event.signature,
            )
        elif touch.kind is TouchKind.CLAIM:
            row = _claimed(row, event.signature)
    if row is None:
        return None if account is None else row_from_account(address, account, read_slot)
    if not row.status.is_live:
        return row
    if account is not None and _same_order(row, account):
        return with_account(row, account)
    last_claim = next((e for e in reversed(events) if e.touch.kind is TouchKind.CLAIM), None)
    if account is None and last_claim is not None:
        # claim closes an order only when completely filled.
        return replace(
            row,
            filled=row.quantity,
            escrow=0,
            claimable_energy=0,
            claimable_quote=0,
            status=OrderStatus.CLOSED,
            closed_signature=last_claim.signature,
        )
    # Gone (or re-created) by a transaction the indexer has not processed yet: it will.
    return row


def _claimed(row: OrderRow, signature: str) -> OrderRow:
    """A claim pays the claimables out; the account read after it says whether it closed."""
    return replace(row, claimable_energy=0, claimable_quote=0, updated_signature=signature)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    fixes: tuple[OrderRow, ...]
    """Rows to write so that the mirror matches the chain."""
    drift: dict[DriftKind, int]


def reconcile(
    live_rows: Mapping[str, OrderRow],
    accounts: Mapping[str, Order],
    slot: int,
) -> Reconciliation:
    """Compare the live rows (``open``/``filled``) with every order account of the program as
    read at ``slot``; the fixes make each live row match its account and close rows whose
    account is gone."""
    fixes: list[OrderRow] = []
    drift = dict.fromkeys(DriftKind, 0)
    for address, account in sorted(accounts.items()):
        row = live_rows.get(address)
        if row is None or not _same_order(row, account):
            drift[DriftKind.MISSING] += 1
            fixes.append(row_from_account(address, account, slot))
            continue
        fixed = with_account(row, account)
        if fixed != row:
            drift[DriftKind.STALE] += 1
            fixes.append(replace(fixed, updated_slot=max(row.updated_slot, slot)))
    for address, row in sorted(live_rows.items()):
        if address not in accounts:
            drift[DriftKind.VANISHED] += 1
            fixes.append(
                replace(
                    row,
                    escrow=0,
                    claimable_energy=0,
                    claimable_quote=0,
                    status=OrderStatus.CLOSED,
                    updated_slot=max(row.updated_slot, slot),
                )
            )
    return Reconciliation(tuple(fixes), drift)


def decode_order_accounts(found: Iterable[tuple[Pubkey, bytes]]) -> dict[str, Order]:
    """Order accounts by address; data that is not an Order (another account type) is left out."""
    orders: dict[str, Order] = {}
    for address, data in found:
        if len(data) == Order.size() and data[:8] == Order.discriminator():
            orders[str(address)] = Order.decode(data)
    return orders
