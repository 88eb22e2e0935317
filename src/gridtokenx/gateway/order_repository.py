"""A user's orders, fills and settlements in PostgreSQL, as the chain indexer (``chain_orders``,
migration 0006) and the settlement service (``settlement_trades``, ``settlement_batches``,
migration 0007) wrote them. Read-only: order state comes from these mirrors of the chain.

Listings are newest first in a stable order on immutable keys, paged by keyset: the opaque
cursor is the last row's key (base64url JSON, tagged with its listing), so a page never
repeats or skips rows when new ones arrive.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gridtokenx.gateway.database import postgres_transaction
from gridtokenx.gateway.order_errors import CursorInvalidError


def encode_cursor(listing: str, key: Sequence[int | str]) -> str:
    raw = json.dumps([listing, *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(listing: str, cursor: str, types: Sequence[type]) -> list[Any]:
    """The key of ``cursor`` (issued by :func:`encode_cursor` for ``listing``)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise CursorInvalidError("the cursor is not one this API issued") from exc
    if (
        not isinstance(value, list)
        or len(value) != len(types) + 1
        or value[0] != listing
        or not all(type(item) is kind for item, kind in zip(value[1:], types, strict=True))
    ):
        raise CursorInvalidError(f"the cursor is not one of {listing}")
    return value[1:]


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderRecord:
    order: str
    market: str
    owner: str
    order_id: int
    side: str
    price: int
    quantity: int
    filled: int
    escrow: int
    claimable_energy: int
    claimable_quote: int
    expiry_s: int
    status: str
    time_in_force: str = "gtc"
    placed_signature: str | None
    placed_slot: int | None
    updated_signature: str | None
    updated_slot: int
    closed_signature: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class FillRecord:
    market: str
    trade_id: int
    side: str
    order: str
    wallet: str
    price: int
    quantity: int
    timestamp_ms: int
    status: str
    reason: str | None
    batch_id: int | None
    settled_signature: str | None
    settled_slot: int | None
    settled_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SettlementRecord:
    batch_id: int
    market: str
    status: str
    signature: str
    slot: int | None
    created_at: datetime
    resolved_at: datetime | None
    trade_ids: list[int]
    energy_bought: int
    energy_sold: int
    quote_paid: int
    quote_received: int
    """Gross, before the fee (the fee is the market's ``fee_bps`` of it, floored)."""


_ORDERS = """
SELECT order_account, market, owner, order_id, side, price, quantity, filled, escrow,
       claimable_energy, claimable_quote, expiry_s, status, placed_signature, placed_slot,
       updated_signature, updated_slot, closed_signature, updated_at, time_in_force
FROM chain_orders
WHERE owner = ANY(:wallets)
  AND (CAST(:status AS text) IS NULL OR status = :status)
  AND (CAST(:after_id AS numeric) IS NULL OR (order_id, order_account) < (:after_id, :after_key))
ORDER BY order_id DESC, order_account DESC
LIMIT :limit
"""

_FILLS = """
SELECT market, trade_id,
       CASE WHEN buyer = ANY(:wallets) THEN 'buy' ELSE 'sell' END AS side,
       CASE WHEN buyer = ANY(:wallets) THEN buy_order ELSE sell_order END AS order_address,
       CASE WHEN buyer = ANY(:wallets) THEN buyer ELSE seller END AS wallet,
       price, quantity, trade_timestamp_ms, status, reason, batch_id, settled_signature,
       settled_slot, settled_at
FROM settlement_trades
WHERE (buyer = ANY(:wallets) OR seller = ANY(:wallets))
  AND (CAST(:after_ts AS bigint) IS NULL
       OR (trade_timestamp_ms, market, trade_id) < (:after_ts, :after_market, :after_trade))
ORDER BY trade_timestamp_ms DESC, market DESC, trade_id DESC
LIMIT :limit
"""

_SETTLEMENTS = """
SELECT b.batch_id, b.market, b.status, b.signature, b.slot, b.created_at, b.resolved_at,
       array_agg(t.trade_id ORDER BY t.trade_id) AS trade_ids,
       coalesce(sum(t.quantity) FILTER (WHERE t.buyer = ANY(:wallets)), 0) AS energy_bought,
       coalesce(sum(t.quantity) FILTER (WHERE t.seller = ANY(:wallets)), 0) AS energy_sold,
       coalesce(sum(floor(t.price * t.quantity / 1000000))
                FILTER (WHERE t.buyer = ANY(:wallets)), 0) AS quote_paid,
       coalesce(sum(floor(t.price * t.quantity / 1000000))
                FILTER (WHERE t.seller = ANY(:wallets)), 0) AS quote_received
FROM settlement_batches b
JOIN settlement_trades t ON t.batch_id = b.batch_id
WHERE (t.buyer = ANY(:wallets) OR t.seller = ANY(:wallets))
  AND (CAST(:after_batch AS bigint) IS NULL OR b.batch_id < :after_batch)
GROUP BY b.batch_id
ORDER BY b.batch_id DESC
LIMIT :limit
"""


class OrderRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    def _connection(self) -> AbstractAsyncContextManager[AsyncConnection]:
        return postgres_transaction(self._engine)

    async def orders(
        self,
        wallets: list[str],
        *,
        status: str | None,
        after: tuple[int, str] | None,
        limit: int,
    ) -> list[OrderRecord]:
        parameters = {
            "wallets": wallets,
            "status": status,
            "after_id": after[0] if after else None,
            "after_key": after[1] if after else None,
            "limit": limit,
        }
        async with self._connection() as connection:
            rows = (await connection.execute(text(_ORDERS), parameters)).all()
        return [
            OrderRecord(
                order=row.order_account,
                market=row.market,
                owner=row.owner,
                order_id=int(row.order_id),
                side=row.side,
                price=int(row.price),
                quantity=int(row.quantity),
                filled=int(row.filled),
                escrow=int(row.escrow),
                claimable_energy=int(row.claimable_energy),
                claimable_quote=int(row.claimable_quote),
                expiry_s=int(row.expiry_s),
                status=row.status,
                time_in_force=row.time_in_force,
                placed_signature=row.placed_signature,
                placed_slot=row.placed_slot,
                updated_signature=row.updated_signature,
                updated_slot=int(row.updated_slot),
                closed_signature=row.closed_signature,
                updated_at=row.updated_at,
            )
            for row in rows
        ]

    async def fills(
        self, wallets: list[str], *, after: tuple[int, str, int] | None, limit: int
    ) -> list[FillRecord]:
        parameters = {
            "wallets": wallets,
            "after_ts": after[0] if after else None,
            "after_market": after[1] if after else None,
            "after_trade": after[2] if after else None,
            "limit": limit,
        }
        async with self._connection() as connection:
            rows = (await connection.execute(text(_FILLS), parameters)).all()
        return [
            FillRecord(
                market=row.market,
                trade_id=int(row.trade_id),
                side=row.side,
                order=row.order_address,
                wallet=row.wallet,
                price=int(row.price),
                quantity=int(row.quantity),
                timestamp_ms=int(row.trade_timestamp_ms),
                status=row.status,
                reason=row.reason,
                batch_id=row.batch_id,
                settled_signature=row.settled_signature,
                settled_slot=row.settled_slot,
                settled_at=row.settled_at,
            )
            for row in rows
        ]

    async def settlements(
        self, wallets: list[str], *, after: int | None, limit: int
    ) -> list[SettlementRecord]:
        parameters = {"wallets": wallets, "after_batch": after, "limit": limit}
        async with self._connection() as connection:
            rows = (await connection.execute(text(_SETTLEMENTS), parameters)).all()
        return [
            SettlementRecord(
                batch_id=int(row.batch_id),
                market=row.market,
                status=row.status,
                signature=row.signature,
                slot=row.slot,
                created_at=row.created_at,
                resolved_at=row.resolved_at,
                trade_ids=[int(each) for each in row.trade_ids],
                energy_bought=int(row.energy_bought),
                energy_sold=int(row.energy_sold),
                quote_paid=int(row.quote_paid),
                quote_received=int(row.quote_received),
            )
            for row in rows
        ]
