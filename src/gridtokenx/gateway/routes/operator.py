"""Operator routes under ``/v1/operator`` (role ``operator`` on every one).

Users (search, role, deactivate/reactivate), market parameters, pipeline health, simulator
control, platform analytics (JSON and CSV), the local faucet, and the audit log (JSON and CSV).
Every change needs a ``reason`` and writes one ``audit_log`` row in the PostgreSQL transaction
of the change (see :mod:`gridtokenx.gateway.audit`); the rules live in the ``operator_*``
modules, these handlers only wire them.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from solders.pubkey import Pubkey

from gridtokenx.chain.client import ChainClientError
from gridtokenx.chain.trading.accounts import Market
from gridtokenx.gateway.audit import REASON_PATTERN
from gridtokenx.gateway.auth_service import Principal
from gridtokenx.gateway.context import GatewayContext
from gridtokenx.gateway.deps import ContextDep, OperatorCaller
from gridtokenx.gateway.energy_errors import RangeInvalidError
from gridtokenx.gateway.errors import (
    MarketFeeOnChainError,
    MarketModeFixedError,
    MarketParameterError,
)
from gridtokenx.gateway.feed.errors import MarketNotFoundError
from gridtokenx.gateway.handlers import error_responses
from gridtokenx.gateway.operator_analytics import analytics_csv, platform_analytics
from gridtokenx.gateway.operator_audit_log import AuditQuery, audit_csv, audit_page
from gridtokenx.gateway.operator_faucet import fund
from gridtokenx.gateway.operator_market import MarketParameters
from gridtokenx.gateway.operator_schemas import (
    AuditEntry,
    AuditPage,
    FaucetReceiptPublic,
    FaucetRequest,
    MarketParametersChange,
    MarketParametersPublic,
    OperatorUser,
    OperatorUsersPage,
    PipelineHealth,
    PlatformAnalytics,
    ReasonBody,
    RoleChange,
    SimulatorFault,
    SimulatorFleet,
    SimulatorSpeed,
    SimulatorState,
    SimulatorStep,
    SimulatorWeather,
)
from gridtokenx.gateway.operator_simulator import ReasonedRequest, SimulatorControl
from gridtokenx.gateway.operator_users import OperatorUsers, UserQuery, UserRecord
from gridtokenx.gateway.operators import operator_wallets
from gridtokenx.gateway.order_errors import ChainUnavailableError
from gridtokenx.gateway.roles import Role
from gridtokenx.gateway.schemas import BIGINT_MAX
from gridtokenx.pipeline_health import pipeline_health
from gridtokenx.simulator.api.models import FaultBody, FleetBody, RunStatusBody, WeatherBody

router = APIRouter(
    prefix="/v1/operator", tags=["operator"], responses=error_responses(401, 403, 422, 500, 503)
)

_ADDRESS = r"^[1-9A-HJ-NP-Za-km-z]{32,44}$"
_TEXT = r"^[^\x00-\x1f\x7f]+$"
"""Free-text filters: PostgreSQL text holds no NUL, and no filter needs a control character."""
_CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV"}
}
CSV_MAX_ROWS = 100_000
UserId = Annotated[uuid.UUID, Path()]
MarketAddress = Annotated[str, Path(pattern=_ADDRESS)]


def _users(context: GatewayContext) -> OperatorUsers:
    return OperatorUsers(context.engine, context.store, operator_wallets(context.settings))


def _user(record: UserRecord) -> OperatorUser:
    return OperatorUser(
        id=record.id,
        role=record.role,
        created_at=record.created_at,
        email=record.email,
        email_verified=record.email_verified,
        active=record.deactivated_at is None,
        deactivated_at=record.deactivated_at,
        wallets=list(record.wallets),
    )


def _csv(content: str, filename: str) -> Response:
    return Response(
        content=content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- users --------------------------------------------------------------------------------


@router.get("/users")
async def search_users(
    _: OperatorCaller,
    context: ContextDep,
    wallet_prefix: Annotated[str | None, Query(pattern=r"^[1-9A-HJ-NP-Za-km-z]{1,44}$")] = None,
    email: Annotated[str | None, Query(min_length=1, max_length=254, pattern=_TEXT)] = None,
    role: Role | None = None,
    active: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=BIGINT_MAX)] = 0,
) -> OperatorUsersPage:
    """Accounts, oldest first, filtered by a wallet prefix, an e-mail address (exact,
    case-insensitive; ``name@*`` for a prefix), role and whether they are active. Offset
    pagination like ``GET /v1/accounts`` (which lists all accounts without wallets)."""
    records, total = await _users(context).search(
        UserQuery(wallet_prefix=wallet_prefix, email=email, role=role, active=active),
        limit=limit,
        offset=offset,
    )
    return OperatorUsersPage(
        data=[_user(record) for record in records], count=total, limit=limit, offset=offset
    )


@router.get("/users/{user_id}", responses=error_responses(404))
async def get_user(_: OperatorCaller, context: ContextDep, user_id: UserId) -> OperatorUser:
    return _user(await _users(context).user(user_id))


@router.put("/users/{user_id}/role", responses=error_responses(404, 409))
async def change_role(
    caller: OperatorCaller, context: ContextDep, user_id: UserId, body: RoleChange
) -> OperatorUser:
    """Give the account another role. Its sessions end at once, so its next sign-in carries
    the new role. An operator cannot demote themselves, nor an account whose wallet is a
    configured operator wallet (``role_pinned_by_configuration``)."""
    return _user(await _users(context).change_role(caller, user_id, body.role, body.reason))


@router.post("/users/{user_id}/deactivate", responses=error_responses(404, 409))
async def deactivate_user(
    caller: OperatorCaller, context: ContextDep, user_id: UserId, body: ReasonBody
) -> OperatorUser:
    """Deactivate the account: its sessions end at once (its access tokens answer 401
    ``session_revoked``), and sign-in and refresh answer 403 ``account_deactivated``."""
    return _user(
        await _users(context).set_active(caller, user_id, active=False, reason=body.reason)
    )


@router.post("/users/{user_id}/reactivate", responses=error_responses(404, 409))
async def reactivate_user(
    caller: OperatorCaller, context: ContextDep, user_id: UserId, body: ReasonBody
) -> OperatorUser:
    return _user(await _users(context).set_active(caller, user_id, active=True, reason=body.reason))


# --- market parameters --------------------------------------------------------------------


async def _on_chain_market(context: GatewayContext, market: str) -> Market:
    chain = context.orders.chain
    try:
        address = Pubkey.from_string(market)
    except ValueError as exc:  # base58 of another length than 32 bytes
        raise MarketNotFoundError(f"{market} is not a public key", {"market": market}) from exc
    try:
        account = await chain.client.rpc.get_account_info(address)
    except ChainClientError as exc:
        raise ChainUnavailableError(f"the cluster did not answer: {exc}") from exc
    if account is None or account.owner != chain.addresses().trading_program:
        raise MarketNotFoundError(f"no Trading market at {market}", {"market": market})
    try:
        return Market.decode(account.data)
    except Exception as exc:  # another Trading account type (an order)
        raise MarketNotFoundError(f"{market} is not a Trading market", {"market": market}) from exc


def _parameters(context: GatewayContext) -> MarketParameters:
    parameters = context.orders.parameters
    if parameters is None:
        parameters = MarketParameters(context.engine, context.settings.orders)
    return parameters


async def _market_parameters(
    context: GatewayContext, market: str, fee_bps: int | None
) -> MarketParametersPublic:
    current = await _parameters(context).current(market, fresh=True)
    settings = context.settings.market
    return MarketParametersPublic(
        market=market,
        fee_bps=fee_bps,
        tick_per_kwh=current.tick_per_kwh,
        lot_gxt_base_units=current.lot_gxt_base_units,
        tick_and_lot_source="operator" if current.source == "operator" else "configuration",
        mode=settings.mode,
        auction_interval_ms=settings.auction_interval_ms,
        honoured_by={
            "fee_bps": "Trading program (settle); fixed at initialize_market",
            "tick_per_kwh": "gateway order routes (prepare place_order)",
            "lot_gxt_base_units": "gateway order routes (prepare place_order)",
            "mode": "matcher (GRIDTOKENX_MARKET__MODE); fixed for a market's life",
            "auction_interval_ms": "matcher (GRIDTOKENX_MARKET__AUCTION_INTERVAL_MS)",
        },
    )


@router.get("/markets/{market}/parameters", responses=error_responses(404))
async def get_market_parameters(
    _: OperatorCaller, context: ContextDep, market: MarketAddress
) -> MarketParametersPublic:
    """The market's parameters and which component honours each."""
    on_chain = await _on_chain_market(context, market)
    return await _market_parameters(context, market, on_chain.fee_bps)


@router.put("/markets/{market}/parameters", responses=error_responses(400, 404, 409))
async def change_market_parameters(
    caller: OperatorCaller,
    context: ContextDep,
    market: MarketAddress,
    body: MarketParametersChange,
) -> MarketParametersPublic:
    """Change the market's tick and lot sizes (enforced by the order routes within seconds).
    ``fee_bps`` and ``mode`` may be sent only with their current values: the Trading program
    cannot change its fee and the matcher cannot switch a live market's mode."""
    on_chain = await _on_chain_market(context, market)
    if body.fee_bps is not None and body.fee_bps != on_chain.fee_bps:
        raise MarketFeeOnChainError(
            f"the fee is the Trading program's fee_bps ({on_chain.fee_bps}), set when the market "
            "was initialized; the program has no instruction to change it",
            {"fee_bps": on_chain.fee_bps, "requested": body.fee_bps},
        )
    if body.mode is not None and body.mode != context.settings.market.mode:
        raise MarketModeFixedError(
            f"the matcher runs every market in {context.settings.market.mode} mode "
            "(GRIDTOKENX_MARKET__MODE) and cannot switch a live book",
            {"mode": context.settings.market.mode, "requested": body.mode},
        )
    if body.tick_per_kwh is None and body.lot_gxt_base_units is None:
        raise MarketParameterError(
            "nothing to change: fee_bps and mode already have these values; send "
            "tick_per_kwh or lot_gxt_base_units"
        )
    await _parameters(context).change(
        caller,
        market,
        tick_per_kwh=body.tick_per_kwh,
        lot_gxt_base_units=body.lot_gxt_base_units,
        reason=body.reason,
        extra={},
    )
    return await _market_parameters(context, market, on_chain.fee_bps)


# --- pipeline health ------------------------------------------------------------------------


@router.get("/pipeline/health")
async def get_pipeline_health(
    _: OperatorCaller,
    context: ContextDep,
    window_s: Annotated[int, Query(ge=10, le=3_600)] = 300,
) -> PipelineHealth:
    """Kafka consumer lag per group, dead-letter counts, ingest and mint rates over the last
    ``window_s`` seconds, the settlement backlog and the chain's slot and health. A part that
    cannot be read carries ``error``; the others are still answered."""
    document = await pipeline_health(
        context.settings,
        context.engine,
        context.orders.chain.client.rpc,
        now=datetime.now(UTC),
        window_s=window_s,
    )
    return PipelineHealth.model_validate(document)


# --- simulator ----------------------------------------------------------------------------


async def _change(
    context: GatewayContext,
    caller: Principal,
    action: str,
    method: str,
    path: str,
    request: ReasonedRequest,
) -> Any:
    """Relay one simulator change and audit it (:meth:`SimulatorControl.change`)."""
    return await SimulatorControl(context.settings.simulator).change(
        context.engine, caller.user_id, action=action, method=method, path=path, request=request
    )


@router.get("/simulator", responses=error_responses(409))
async def get_simulator(_: OperatorCaller, context: ContextDep) -> SimulatorState:
    """The simulator's run, fleet, weather and active fault rules."""
    return SimulatorState.model_validate(await SimulatorControl(context.settings.simulator).state())


@router.post("/simulator/run/{action}", responses=error_responses(409))
async def control_simulator_run(
    caller: OperatorCaller,
    context: ContextDep,
    action: Literal["start", "stop", "pause", "resume"],
    body: ReasonBody,
) -> RunStatusBody:
    answer = await _change(context, caller, f"run.{action}", "POST", f"/run/{action}", body)
    return RunStatusBody.model_validate(answer)


@router.post("/simulator/step", responses=error_responses(409))
async def step_simulator(
    caller: OperatorCaller, context: ContextDep, body: SimulatorStep
) -> RunStatusBody:
    """Advance a stopped or paused run by ``ticks`` at once."""
    answer = await _change(context, caller, "run.step", "POST", "/run/step", body)
    return RunStatusBody.model_validate(answer)


@router.put("/simulator/speed", responses=error_responses(409))
async def set_simulator_speed(
    caller: OperatorCaller, context: ContextDep, body: SimulatorSpeed
) -> RunStatusBody:
    answer = await _change(context, caller, "speed", "PUT", "/run/speed", body)
    return RunStatusBody.model_validate(answer)


@router.put("/simulator/fleet", responses=error_responses(409))
async def set_simulator_fleet(
    caller: OperatorCaller, context: ContextDep, body: SimulatorFleet
) -> FleetBody:
    """Replace the fleet (size, kind mix, seed); the simulator refuses while a run is live."""
    return FleetBody.model_validate(await _change(context, caller, "fleet", "PUT", "/fleet", body))


@router.put("/simulator/weather", responses=error_responses(409))
async def set_simulator_weather(
    caller: OperatorCaller, context: ContextDep, body: SimulatorWeather
) -> WeatherBody:
    """Cloud cover from the run's current position on."""
    answer = await _change(context, caller, "weather", "PUT", "/weather", body)
    return WeatherBody.model_validate(answer)


@router.post("/simulator/faults", status_code=201, responses=error_responses(409))
async def add_simulator_fault(
    caller: OperatorCaller, context: ContextDep, body: SimulatorFault
) -> FaultBody:
    """Inject a fault (the simulator's kinds) into chosen meters or a share of the fleet for
    ``ticks`` ticks."""
    answer = await _change(context, caller, "fault.added", "POST", "/faults", body)
    return FaultBody.model_validate(answer)


@router.delete("/simulator/faults/{rule_id}", status_code=204, responses=error_responses(409))
async def remove_simulator_fault(
    caller: OperatorCaller,
    context: ContextDep,
    rule_id: Annotated[int, Path(ge=0, le=BIGINT_MAX)],
    reason: Annotated[str, Query(min_length=1, max_length=1_000, pattern=REASON_PATTERN)],
) -> Response:
    request = ReasonBody(reason=reason)
    await _change(context, caller, "fault.removed", "DELETE", f"/faults/{rule_id}", request)
    return Response(status_code=204)


# --- analytics ----------------------------------------------------------------------------


async def _fee_bps_of(context: GatewayContext) -> dict[str, int | None]:
    try:
        market = str(context.orders.chain.addresses().market)
        return {market: (await _on_chain_market(context, market)).fee_bps}
    except (ChainUnavailableError, MarketNotFoundError):
        return {}


def _window(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    end = until or datetime.now(UTC)
    start = since or end - timedelta(days=1)
    if start.tzinfo is None or end.tzinfo is None:
        raise RangeInvalidError("since and until need a time zone (for example Z)")
    if start >= end:
        raise RangeInvalidError("since must lie before until")
    return start, end


Since = Annotated[datetime | None, Query(description="default: 24 hours before until")]
Until = Annotated[datetime | None, Query(description="default: now")]


@router.get("/analytics")
async def get_analytics(
    _: OperatorCaller, context: ContextDep, since: Since = None, until: Until = None
) -> PlatformAnalytics:
    """Users by role, meters, orders, per-market volume and fees, and settlement success per
    zone for trades in ``[since, until)``."""
    start, end = _window(since, until)
    document = await platform_analytics(
        context.engine, await _fee_bps_of(context), since=start, until=end
    )
    return PlatformAnalytics.model_validate(document)


@router.get("/analytics/csv", response_class=Response, responses=_CSV)
async def export_analytics(
    _: OperatorCaller, context: ContextDep, since: Since = None, until: Until = None
) -> Response:
    """The analytics document as ``section,key,metric,value`` rows."""
    start, end = _window(since, until)
    document = await platform_analytics(
        context.engine, await _fee_bps_of(context), since=start, until=end
    )
    return _csv(analytics_csv(document), "analytics.csv")


# --- faucet -------------------------------------------------------------------------------


@router.post("/faucet", responses=error_responses(400, 409))
async def faucet(
    caller: OperatorCaller, context: ContextDep, body: FaucetRequest
) -> FaucetReceiptPublic:
    """SOL (airdrop) and local USDC (minted) for a wallet — only when the platform's cluster
    is its own local node (else 409 ``faucet_not_local``). It changes no account or role."""
    funded = await fund(
        context.settings,
        context.engine,
        caller,
        wallet=body.wallet,
        lamports=body.lamports,
        usdc_base_units=body.usdc_base_units,
        reason=body.reason,
    )
    return FaucetReceiptPublic(
        wallet=funded.wallet,
        lamports=funded.lamports,
        usdc_base_units=funded.usdc_base_units,
        usdc_account=funded.usdc_account,
        signatures=list(funded.signatures),
    )


# --- audit log ----------------------------------------------------------------------------


def _audit_query(
    actor_user_id: uuid.UUID | None,
    action: str | None,
    target: str | None,
    since: datetime | None,
    until: datetime | None,
) -> AuditQuery:
    return AuditQuery(
        actor_user_id=actor_user_id, action=action, target=target, since=since, until=until
    )


ActorFilter = Annotated[uuid.UUID | None, Query()]
ActionFilter = Annotated[str | None, Query(min_length=1, max_length=100, pattern=_TEXT)]
TargetFilter = Annotated[str | None, Query(min_length=1, max_length=300, pattern=_TEXT)]
TimeFilter = Annotated[datetime | None, Query()]


@router.get("/audit")
async def list_audit(
    _: OperatorCaller,
    context: ContextDep,
    actor_user_id: ActorFilter = None,
    action: ActionFilter = None,
    target: TargetFilter = None,
    since: TimeFilter = None,
    until: TimeFilter = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> AuditPage:
    """Audit rows newest first; ``action`` and ``target`` match exactly or, ending in ``*``,
    as a prefix; ``[since, until)`` on the time of the change."""
    records, following = await audit_page(
        context.engine,
        _audit_query(actor_user_id, action, target, since, until),
        limit=limit,
        cursor=cursor,
    )
    return AuditPage(
        data=[
            AuditEntry(
                id=record.id,
                occurred_at=record.occurred_at,
                actor_user_id=record.actor_user_id,
                action=record.action,
                target=record.target,
                reason=record.reason,
                details=record.details,
            )
            for record in records
        ],
        next_cursor=following,
    )


@router.get("/audit/csv", response_class=Response, responses=_CSV)
async def export_audit(
    _: OperatorCaller,
    context: ContextDep,
    actor_user_id: ActorFilter = None,
    action: ActionFilter = None,
    target: TargetFilter = None,
    since: TimeFilter = None,
    until: TimeFilter = None,
) -> Response:
    """The matching rows as CSV, newest first (at most 100,000)."""
    content = await audit_csv(
        context.engine,
        _audit_query(actor_user_id, action, target, since, until),
        max_rows=CSV_MAX_ROWS,
    )
    return _csv(content, "audit.csv")
