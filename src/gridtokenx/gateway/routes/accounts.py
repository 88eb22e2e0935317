"""Operator view of all accounts: ``GET /v1/accounts`` (operators only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from gridtokenx.gateway.deps import ContextDep, OperatorCaller
from gridtokenx.gateway.handlers import error_responses
from gridtokenx.gateway.schemas import BIGINT_MAX, AccountsPublic, AccountSummary

router = APIRouter(
    prefix="/v1/accounts", tags=["operator"], responses=error_responses(401, 403, 422, 500, 503)
)


@router.get("")
async def list_accounts(
    _: OperatorCaller,
    context: ContextDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=BIGINT_MAX)] = 0,
) -> AccountsPublic:
    """Accounts, oldest first (no wallet addresses: those stay with their owners)."""
    accounts, total = await context.accounts.accounts(limit=limit, offset=offset)
    return AccountsPublic(
        data=[
            AccountSummary(
                id=account.id,
                role=account.role,
                created_at=account.created_at,
                email_verified=account.email_verified_at is not None,
            )
            for account in accounts
        ],
        count=total,
    )
