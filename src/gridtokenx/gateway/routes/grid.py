"""The grid: topology as GeoJSON and live per-zone flows (public, aggregated per zone).

Both routes answer without an access token. With one, ``/v1/grid/topology`` adds meters with
their exact positions: the caller's own meters, or every placed meter for an operator. A token
that is sent must be valid (401 otherwise): a bad token never silently falls back to the
public view.

Trades between zones come from the settlement service's trades (``settlement_trades``), which
name wallets, not meters: a wallet has a zone when all its registered meters stand in one, and
trades of wallets without one are left out. A zone pair is shown only when at least
``MIN_ZONE_METERS`` distinct wallets traded across it, so no single pair of households shows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from gridtokenx.gateway.auth_service import Principal
from gridtokenx.gateway.deps import ContextDep
from gridtokenx.gateway.energy_errors import GridTopologyUnknownError
from gridtokenx.gateway.energy_repository import INTERVAL_S, MeterRow
from gridtokenx.gateway.grid_view import (
    MIN_ZONE_METERS,
    PlacedMeter,
    fleet_topology,
    topology_features,
    zone_live,
)
from gridtokenx.gateway.handlers import error_responses

router = APIRouter(prefix="/v1/grid", tags=["grid"], responses=error_responses(500, 503))
_optional_bearer = HTTPBearer(
    auto_error=False, description="Optional: the access token adds the caller's meters"
)


async def optional_principal(
    context: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_optional_bearer)],
) -> Principal | None:
    if credentials is None:
        return None
    return await context.auth.authenticate(credentials.credentials)


OptionalCaller = Annotated[Principal | None, Depends(optional_principal)]


class ZoneLivePublic(BaseModel):
    zone_id: int
    meter_count: int = Field(description="Meters that reported in the interval")
    production_wh: int | None = Field(description="Wh exported; null when withheld")
    consumption_wh: int | None = Field(description="Wh imported; null when withheld")
    net_export_wh: int | None = Field(description="production - consumption (> 0: feeds grid)")


class ZoneTradesPublic(BaseModel):
    from_zone: int = Field(description="The sellers' zone")
    to_zone: int = Field(description="The buyers' zone")
    trade_count: int
    quantity: int = Field(description="GXT base units (1,000 per Wh) traded across the pair")


class ZonesLivePublic(BaseModel):
    interval_start: datetime | None = Field(
        description="The newest complete 15-minute interval; null when none in the last day"
    )
    interval_s: int = INTERVAL_S
    min_zone_meters: int = Field(
        default=MIN_ZONE_METERS,
        description="Zones with fewer reporting meters have flows withheld",
    )
    data: list[ZoneLivePublic]
    inter_zone_trades: list[ZoneTradesPublic] = Field(
        description="Matched trades of the interval between zones (sellers' to buyers')"
    )


def _placed(meters: list[MeterRow], fleet_seed: int) -> list[PlacedMeter]:
    return [
        PlacedMeter(meter_id=m.meter_id, kind=m.kind, meter_index=m.meter_index)
        for m in meters
        if m.fleet_seed == fleet_seed and m.meter_index is not None
    ]


@router.get(
    "/topology",
    responses={
        **error_responses(401, 404),
        200: {"content": {"application/geo+json": {}}},
    },
)
async def grid_topology(context: ContextDep, caller: OptionalCaller) -> dict[str, Any]:
    """Substations, feeders and zones (with meter counts) as a GeoJSON FeatureCollection;
    meters with exact positions only for their owner and for operators."""
    repository = context.energy.repository
    config = await repository.fleet_config()
    if config is None:
        raise GridTopologyUnknownError(
            "no grid is known yet: the simulator has no stored scenario (start it with "
            "`gridtokenx simulator` or PUT /v1/fleet on its API)"
        )
    meters: list[PlacedMeter] = []
    if caller is not None:
        if caller.role == "operator":
            rows = await repository.placed_meters(config.seed)
        else:
            wallets = [w.address for w in await context.accounts.wallets(caller.user_id)]
            rows = await repository.meters_of_owners(wallets)
        meters = _placed(rows, config.seed)
    return topology_features(
        fleet_topology(config), await repository.meter_counts_by_zone(), meters
    )


@router.get("/zones/live")
async def zones_live(context: ContextDep) -> ZonesLivePublic:
    """Per-zone production, consumption and net flow over the newest complete interval, and
    the trades matched in it between zones."""
    repository = context.energy.repository
    interval_start = await repository.latest_complete_interval(datetime.now(UTC))
    flows = [] if interval_start is None else await repository.zone_flows(interval_start)
    trades = [] if interval_start is None else await repository.zone_trades(interval_start)
    return ZonesLivePublic(
        interval_start=interval_start,
        data=[
            ZoneLivePublic.model_validate(
                zone_live(f.zone_id, f.meter_count, f.production_wh, f.consumption_wh),
                from_attributes=True,
            )
            for f in flows
        ],
        inter_zone_trades=[
            ZoneTradesPublic(
                from_zone=t.from_zone,
                to_zone=t.to_zone,
                trade_count=t.trade_count,
                quantity=t.quantity,
            )
            for t in trades
            if t.traders >= MIN_ZONE_METERS
        ],
    )
