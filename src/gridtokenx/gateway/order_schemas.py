"""Bodies of the order routes. Amounts are integers in base units: prices in USDC base units
per kWh, quantities in GXT base units (10**6 = 1 kWh), SOL in lamports."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gridtokenx.core.u64 import U64_MAX

_I64_MAX = 2**63 - 1
TimeInForceName = Literal["gtc", "ioc", "post_only"]
_MAX_TRANSACTION_BASE64 = 1644
"""base64 of the 1,232-byte packet limit."""


class PlaceOrderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    side: Literal["buy", "sell"]
    price_per_kwh: int = Field(ge=1, le=U64_MAX, description="USDC base units per kWh; a limit")
    quantity: int = Field(ge=1, le=U64_MAX, description="GXT base units")
    expiry_s: int = Field(default=0, ge=0, le=_I64_MAX, description="unix seconds; 0 = never")
    time_in_force: TimeInForceName = Field(
        default="gtc",
        description="gtc: rests until filled, cancelled or expired; ioc: what does not fill at "
        "once is cancelled and its escrow returned; post_only: cancelled (escrow returned) "
        "instead of taking liquidity",
    )


class PreparedTransaction(BaseModel):
    """An unsigned transaction for ``solana:signTransaction`` (wire format, base64): the
    owner's wallet is the one signer and pays. Sign it before ``last_valid_block_height``."""

    transaction: str = Field(description="base64 of the serialized, unsigned transaction")
    version: Literal["legacy"] = "legacy"
    fee_payer: str
    blockhash: str
    last_valid_block_height: int
    compute_unit_limit: int
    priority_fee_micro_lamports: int
    order: str = Field(description="the order account's address")
    order_id: int
    lamports_needed: int = Field(description="rent and fee the wallet pays at most")
    escrow_asset: Literal["gxt", "usdc"] | None = None
    escrow_amount: int = Field(default=0, description="base units locked in the market's vault")


class SubmitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    transaction: str = Field(
        min_length=4,
        max_length=_MAX_TRANSACTION_BASE64,
        description="base64 of the transaction signed by the wallet",
    )
    wait: bool = Field(default=False, description="answer only once the cluster confirmed it")


class SubmitResponse(BaseModel):
    signature: str
    kind: Literal["place_order", "cancel_order", "claim"]
    order: str
    confirmed: bool
    slot: int | None = None


class OrderPublic(BaseModel):
    order: str
    market: str
    owner: str
    order_id: int
    side: Literal["buy", "sell"]
    price_per_kwh: int
    quantity: int
    filled: int
    escrow: int
    claimable_energy: int
    claimable_quote: int
    expiry_s: int
    time_in_force: TimeInForceName = "gtc"
    status: Literal["open", "filled", "cancelled", "closed"]
    placed_signature: str | None
    placed_slot: int | None
    updated_signature: str | None
    updated_slot: int
    closed_signature: str | None
    updated_at: datetime


class FillPublic(BaseModel):
    market: str
    trade_id: int
    side: Literal["buy", "sell"]
    order: str
    wallet: str
    price_per_kwh: int
    quantity: int
    quote_amount: int = Field(description="floor(price * quantity / 10**6), before the fee")
    timestamp_ms: int
    status: Literal["pending", "submitted", "settled", "rejected"]
    reason: str | None
    settlement_id: int | None
    settled_signature: str | None
    settled_slot: int | None
    settled_at: datetime | None


class SettlementPublic(BaseModel):
    """One Trading ``settle`` transaction holding some of the caller's fills."""

    settlement_id: int
    market: str
    status: Literal["submitted", "settled", "expired", "failed"]
    signature: str
    slot: int | None
    created_at: datetime
    resolved_at: datetime | None
    trade_ids: list[int]
    energy_bought: int
    energy_sold: int
    quote_paid: int
    quote_received: int = Field(description="gross, before the market's fee")


class OrdersPage(BaseModel):
    data: list[OrderPublic]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page")


class FillsPage(BaseModel):
    data: list[FillPublic]
    next_cursor: str | None


class SettlementsPage(BaseModel):
    data: list[SettlementPublic]
    next_cursor: str | None
