"""Orders without custody and the caller's trading history.

``POST /v1/orders/prepare`` (place_order), ``/v1/orders/{order}/cancel/prepare`` and
``/v1/orders/{order}/claim/prepare`` answer an unsigned transaction for the signed-in wallet;
the wallet signs it (``solana:signTransaction``) and either sends it itself or posts it to
``POST /v1/transactions/submit``, which relays it only if it is such a transaction of the
caller's. ``GET /v1/me/orders``, ``/v1/me/fills`` and ``/v1/me/settlements`` page through the
chain indexer's and the settlement service's records of the caller's wallets.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from gridtokenx.core.money import payment_for_fill
from gridtokenx.gateway.auth_service import Principal
from gridtokenx.gateway.deps import Caller, ContextDep
from gridtokenx.gateway.handlers import error_responses
from gridtokenx.gateway.order_repository import decode_cursor, encode_cursor
from gridtokenx.gateway.order_schemas import (
    FillPublic,
    FillsPage,
    OrderPublic,
    OrdersPage,
    PlaceOrderRequest,
    PreparedTransaction,
    SettlementPublic,
    SettlementsPage,
    SubmitRequest,
    SubmitResponse,
)

router = APIRouter(prefix="/v1", responses=error_responses(401, 403, 422, 500, 503))

OrderAddress = Annotated[
    str, Path(min_length=32, max_length=44, description="the order account's address (base58)")
]
Limit = Annotated[int, Query(ge=1, le=200, description="rows per page")]
Cursor = Annotated[str | None, Query(max_length=512, description="next_cursor of the last page")]


@router.post("/orders/prepare", tags=["orders"], responses=error_responses(409))
async def prepare_order(
    body: PlaceOrderRequest, caller: Caller, context: ContextDep
) -> PreparedTransaction:
    """An unsigned ``place_order`` for the signed-in wallet, after checking the price and
    quantity against the market's bounds and the wallet's balances (``insufficient_balance``
    names the asset, what is needed and what is held)."""
    return await context.orders.prepare_place(caller, body)


@router.post("/orders/{order}/cancel/prepare", tags=["orders"], responses=error_responses(404))
async def prepare_cancel(
    order: OrderAddress, caller: Caller, context: ContextDep
) -> PreparedTransaction:
    """An unsigned ``cancel_order`` of one of the signed-in wallet's open orders (escrow and
    claimables back to the wallet, the account closed)."""
    return await context.orders.prepare_cancel(caller, order)


@router.post("/orders/{order}/claim/prepare", tags=["orders"], responses=error_responses(404, 409))
async def prepare_claim(
    order: OrderAddress, caller: Caller, context: ContextDep
) -> PreparedTransaction:
    """An unsigned ``claim`` of one of the signed-in wallet's orders with something to claim."""
    return await context.orders.prepare_claim(caller, order)


@router.post("/transactions/submit", tags=["orders"], responses=error_responses(400, 409))
async def submit_transaction(
    body: SubmitRequest, caller: Caller, context: ContextDep
) -> SubmitResponse:
    """Relay a transaction the signed-in wallet signed: one ``place_order``, ``cancel_order`` or
    ``claim`` of its own (with compute-budget and associated-token-account instructions), and
    nothing else. Answers its signature; with ``wait`` only once it is confirmed."""
    return await context.orders.submit(caller, body)


async def _wallets(caller: Principal, context: ContextDep) -> list[str]:
    return [wallet.address for wallet in await context.accounts.wallets(caller.user_id)]


@router.get("/me/orders", tags=["account"])
async def my_orders(
    caller: Caller,
    context: ContextDep,
    status: Literal["open", "filled", "cancelled", "closed"] | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> OrdersPage:
    """The orders of the caller's wallets, as the chain indexer mirrors them, newest order id
    first."""
    after = decode_cursor("orders", cursor, (int, str)) if cursor else None
    records = await context.order_records.orders(
        await _wallets(caller, context),
        status=status,
        after=(after[0], after[1]) if after else None,
        limit=limit,
    )
    data = [
        OrderPublic(
            order=r.order,
            market=r.market,
            owner=r.owner,
            order_id=r.order_id,
            side=r.side,  # type: ignore[arg-type]
            price_per_kwh=r.price,
            quantity=r.quantity,
            filled=r.filled,
            escrow=r.escrow,
            claimable_energy=r.claimable_energy,
            claimable_quote=r.claimable_quote,
            expiry_s=r.expiry_s,
            time_in_force=r.time_in_force,  # type: ignore[arg-type]
            status=r.status,  # type: ignore[arg-type]
            placed_signature=r.placed_signature,
            placed_slot=r.placed_slot,
            updated_signature=r.updated_signature,
            updated_slot=r.updated_slot,
            closed_signature=r.closed_signature,
            updated_at=r.updated_at,
        )
        for r in records
    ]
    last = records[-1] if len(records) == limit else None
    return OrdersPage(
        data=data,
        next_cursor=encode_cursor("orders", (last.order_id, last.order)) if last else None,
    )


@router.get("/me/fills", tags=["account"])
async def my_fills(
    caller: Caller, context: ContextDep, limit: Limit = 50, cursor: Cursor = None
) -> FillsPage:
    """The matcher's trades of the caller's orders with their settlement status and ``settle``
    signature, newest first."""
    after = decode_cursor("fills", cursor, (int, str, int)) if cursor else None
    records = await context.order_records.fills(
        await _wallets(caller, context),
        after=(after[0], after[1], after[2]) if after else None,
        limit=limit,
    )
    data = [
        FillPublic(
            market=r.market,
            trade_id=r.trade_id,
            side=r.side,  # type: ignore[arg-type]
            order=r.order,
            wallet=r.wallet,
            price_per_kwh=r.price,
            quantity=r.quantity,
            quote_amount=payment_for_fill(r.price, r.quantity),
            timestamp_ms=r.timestamp_ms,
            status=r.status,  # type: ignore[arg-type]
            reason=r.reason,
            settlement_id=r.batch_id,
            settled_signature=r.settled_signature,
            settled_slot=r.settled_slot,
            settled_at=r.settled_at,
        )
        for r in records
    ]
    last = records[-1] if len(records) == limit else None
    key = (last.timestamp_ms, last.market, last.trade_id) if last else None
    return FillsPage(data=data, next_cursor=encode_cursor("fills", key) if key else None)


@router.get("/me/settlements", tags=["account"])
async def my_settlements(
    caller: Caller, context: ContextDep, limit: Limit = 50, cursor: Cursor = None
) -> SettlementsPage:
    """The ``settle`` transactions that hold the caller's fills (what each bought and sold),
    newest first."""
    after = decode_cursor("settlements", cursor, (int,)) if cursor else None
    records = await context.order_records.settlements(
        await _wallets(caller, context), after=after[0] if after else None, limit=limit
    )
    data = [
        SettlementPublic(
            settlement_id=r.batch_id,
            market=r.market,
            status=r.status,  # type: ignore[arg-type]
            signature=r.signature,
            slot=r.slot,
            created_at=r.created_at,
            resolved_at=r.resolved_at,
            trade_ids=r.trade_ids,
            energy_bought=r.energy_bought,
            energy_sold=r.energy_sold,
            quote_paid=r.quote_paid,
            quote_received=r.quote_received,
        )
        for r in records
    ]
    last = records[-1] if len(records) == limit else None
    return SettlementsPage(
        data=data, next_cursor=encode_cursor("settlements", (last.batch_id,)) if last else None
    )
