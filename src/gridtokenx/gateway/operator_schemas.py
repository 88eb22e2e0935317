"""Request and response bodies of the operator routes (``/v1/operator/...``).

Every mutating request carries ``reason``: 1-1,000 characters with at least one that is not
white space; it is stored in the audit row with the change. The simulator's own bodies
(``RunStatusBody``, ``FleetBody``, ``WeatherBody``, ``FaultBody``) are reused as they are, so
the gateway's OpenAPI document shows exactly what the simulator answers.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from gridtokenx.chain.faucet import MAX_AIRDROP_LAMPORTS
from gridtokenx.core.u64 import U64_MAX
from gridtokenx.gateway.audit import REASON_PATTERN
from gridtokenx.gateway.roles import Role
from gridtokenx.gateway.schemas import BIGINT_MAX
from gridtokenx.gateway.siws import is_valid_address
from gridtokenx.simulator.api.models import (
    FaultBody,
    FaultRequest,
    FleetBody,
    FleetRequest,
    RunStatusBody,
    SpeedRequest,
    StepRequest,
    WeatherBody,
)

_ADDRESS = r"^[1-9A-HJ-NP-Za-km-z]{32,44}$"

Reason = Annotated[
    str,
    Field(
        min_length=1,
        max_length=1_000,
        pattern=REASON_PATTERN,
        description="Why the operator makes this change (not blank, no NUL character); stored "
        "in the audit log.",
        examples=["customer asked to close the account (ticket 4711)"],
    ),
]


def _public_key(address: str) -> str:
    if not is_valid_address(address):
        raise ValueError("not a base58 Ed25519 public key (32 bytes)")
    return address


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReasonBody(_Request):
    reason: Reason


# --- users --------------------------------------------------------------------------------


class OperatorUser(BaseModel):
    """An account as operators see it: with its wallets and e-mail address."""

    id: uuid.UUID
    role: Role
    created_at: datetime
    email: str | None
    email_verified: bool
    active: bool
    deactivated_at: datetime | None
    wallets: list[str]


class OperatorUsersPage(BaseModel):
    data: list[OperatorUser]
    count: int
    """Accounts matching the filters in all (the page is ``offset``..``offset + limit``)."""
    limit: int
    offset: int


class RoleChange(_Request):
    role: Role
    reason: Reason


# --- audit log ------------------------------------------------------------------------------


class AuditEntry(BaseModel):
    id: int
    occurred_at: datetime
    actor_user_id: uuid.UUID
    action: str = Field(examples=["user.deactivated"])
    target: str = Field(examples=["user:0b5c…"])
    reason: str
    details: dict[str, Any]


class AuditPage(BaseModel):
    data: list[AuditEntry]
    next_cursor: str | None
    """Pass as ``cursor`` for the next (older) page; ``null`` on the last page."""


# --- market parameters -------------------------------------------------------------------------


class MarketParametersPublic(BaseModel):
    market: str
    fee_bps: int | None
    """The Trading program's ``Market.fee_bps`` (``null``: the chain could not be read)."""
    tick_per_kwh: int
    lot_gxt_base_units: int
    tick_and_lot_source: Literal["operator", "configuration"]
    mode: Literal["continuous", "auction"]
    auction_interval_ms: int
    honoured_by: dict[str, str]
    """Which component enforces each parameter."""


class MarketParametersChange(_Request):
    tick_per_kwh: int | None = Field(default=None, ge=1, le=BIGINT_MAX)
    lot_gxt_base_units: int | None = Field(default=None, ge=1, le=BIGINT_MAX)
    fee_bps: int | None = Field(default=None, ge=0, le=10_000)
    """Accepted only when equal to the on-chain fee (it cannot be changed)."""
    mode: Literal["continuous", "auction"] | None = None
    """Accepted only when equal to the matcher's mode (it cannot be changed)."""
    reason: Reason

    @model_validator(mode="after")
    def _something(self) -> MarketParametersChange:
        if all(
            value is None
            for value in (self.tick_per_kwh, self.lot_gxt_base_units, self.fee_bps, self.mode)
        ):
            raise ValueError("name at least one parameter to change")
        return self


# --- pipeline health --------------------------------------------------------------------------


class PartitionLag(BaseModel):
    partition: int
    committed: int | None
    """The group's next offset (``null``: never committed; lag counts from the low mark)."""
    end: int
    lag: int


class ConsumerGroupLag(BaseModel):
    group: str
    topic: str
    offsets_in: Literal["kafka", "postgres"]
    partitions: list[PartitionLag] | None = None
    total_lag: int | None = None
    error: str | None = None


class DeadLetterCount(BaseModel):
    topic: str
    records: int | None = None
    error: str | None = None


class IngestRates(BaseModel):
    topic: str
    readings_produced: int | None = None
    readings_produced_per_s: float | None = None
    meters_reporting: int | None = None
    kafka_error: str | None = None
    postgres_error: str | None = None


class MintRates(BaseModel):
    confirmed: int | None = None
    confirmed_per_s: float | None = None
    minted_wh: int | None = None
    failed: int | None = None
    pending: int | None = None
    error: str | None = None


class SettlementBacklog(BaseModel):
    pending: int | None = None
    submitted: int | None = None
    oldest_pending_age_s: float | None = None
    error: str | None = None


class ChainStatus(BaseModel):
    rpc_url: str
    slot: int | None = None
    health: str | None = None
    rpc_round_trip_ms: float | None = None
    error: str | None = None


class PipelineHealth(BaseModel):
    observed_at: datetime
    window_s: int
    consumer_groups: list[ConsumerGroupLag]
    dead_letters: list[DeadLetterCount]
    ingest: IngestRates
    mint: MintRates
    settlement: SettlementBacklog
    chain: ChainStatus


# --- analytics ----------------------------------------------------------------------------


class UsersByRole(BaseModel):
    role: Role
    count: int
    deactivated: int


class MeterCount(BaseModel):
    kind: int
    status: int
    count: int


class MetersSummary(BaseModel):
    by_kind_and_status: list[MeterCount]
    registered_on_chain: int


class OrderCount(BaseModel):
    side: str
    status: str
    count: int


class MarketVolume(BaseModel):
    market: str
    trades: int
    settled: int
    energy_gxt_base_units: int
    notional_usdc_base_units: int
    settled_notional_usdc_base_units: int
    fee_bps: int | None
    fees_usdc_base_units: int | None


class ZoneSettlement(BaseModel):
    zone: int | None
    pending: int
    submitted: int
    settled: int
    rejected: int
    success_ratio: float | None


class PlatformAnalytics(BaseModel):
    since: datetime
    until: datetime
    users: list[UsersByRole]
    meters: MetersSummary
    orders: list[OrderCount]
    markets: list[MarketVolume]
    settlement_by_zone: list[ZoneSettlement]


# --- faucet -------------------------------------------------------------------------------


class FaucetRequest(_Request):
    wallet: Annotated[str, Field(pattern=_ADDRESS), AfterValidator(_public_key)]
    lamports: int = Field(default=0, ge=0, le=MAX_AIRDROP_LAMPORTS)
    usdc_base_units: int = Field(default=0, ge=0, le=U64_MAX)
    reason: Reason


class FaucetReceiptPublic(BaseModel):
    wallet: str
    lamports: int
    usdc_base_units: int
    usdc_account: str | None
    signatures: list[str]


# --- simulator ----------------------------------------------------------------------------


class SimulatorState(BaseModel):
    run: RunStatusBody
    fleet: FleetBody
    weather: WeatherBody
    faults: list[FaultBody]


class SimulatorStep(StepRequest):
    reason: Reason


class SimulatorSpeed(SpeedRequest):
    reason: Reason


class SimulatorFleet(FleetRequest):
    reason: Reason


class SimulatorWeather(WeatherBody):
    reason: Reason


class SimulatorFault(FaultRequest):
    reason: Reason
