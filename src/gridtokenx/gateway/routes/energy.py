"""Energy data: the caller's meters, a meter's readings, intervals and mints, and the batch
route of field meters.

A meter's data is visible to its owner (a wallet of the caller's account) and to operators;
anyone else gets the same 404 as for a meter that does not exist. ``POST /v1/readings/batch``
takes no access token: the device signature of each reading is its credential (see
:mod:`gridtokenx.gateway.readings_intake`).
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import AwareDatetime
from solders.pubkey import Pubkey

from gridtokenx.chain.registry.accounts import MeterAccount
from gridtokenx.gateway.auth_service import Principal
from gridtokenx.gateway.context import GatewayContext
from gridtokenx.gateway.deps import Caller, ContextDep
from gridtokenx.gateway.energy_errors import MeterNotFoundError, RangeInvalidError
from gridtokenx.gateway.energy_repository import INTERVAL_S, MeterRow
from gridtokenx.gateway.energy_schemas import (
    IntervalPublic,
    IntervalsPublic,
    MeterPublic,
    MetersPublic,
    MeterStatusName,
    MintPublic,
    MintsPublic,
    ReadingBatchAccepted,
    ReadingBatchIn,
    ReadingPoint,
    ReadingsPublic,
    Registers,
)
from gridtokenx.gateway.errors import UnavailableError
from gridtokenx.gateway.handlers import error_responses
from gridtokenx.gateway.readings_store import plan_resolution
from gridtokenx.gateway.schemas import BIGINT_MAX

router = APIRouter(tags=["energy"], responses=error_responses(422, 500, 503))
_PRIVATE = error_responses(401, 403, 404)

_STATUS: dict[int, MeterStatusName] = {1: "active", 2: "suspended", 3: "decommissioned"}
_DEFAULT_SPAN = timedelta(days=1)
MAX_INTERVALS_SPAN = timedelta(days=31)
MAX_READINGS_SPAN = timedelta(days=366)

From = Annotated[
    AwareDatetime | None, Query(alias="from", description="Start (ISO 8601, UTC offset)")
]
To = Annotated[AwareDatetime | None, Query(alias="to", description="End, exclusive; default now")]


def _registers(values: tuple[int, int, int] | None) -> Registers | None:
    if values is None:
        return None
    export_wh, import_wh, timestamp_ms = values
    return Registers(export_wh=export_wh, import_wh=import_wh, timestamp_ms=timestamp_ms)


def _chain_meter_public(
    address: Pubkey, account: MeterAccount, mirror: MeterRow | None
) -> MeterPublic:
    return MeterPublic(
        meter_id=uuid.UUID(bytes=account.meter_id),
        source="chain",
        address=str(address),
        owner=str(account.owner),
        kind=account.kind,
        zone_id=account.zone,
        status=_STATUS.get(account.status, "suspended"),
        minted_wh=account.minted_wh,
        chain_registers=Registers(
            export_wh=account.last_export_wh,
            import_wh=account.last_import_wh,
            timestamp_ms=account.last_timestamp_ms,
        ),
        latest_reading=_registers(mirror.latest_reading if mirror else None),
    )


def _meter_public(context: GatewayContext, meter: MeterRow) -> MeterPublic:
    return MeterPublic(
        meter_id=meter.meter_id,
        source="mirror",
        address=context.energy.meter_address(meter.meter_id) if meter.registered else None,
        owner=meter.owner or "",
        kind=meter.kind,
        zone_id=meter.zone_id,
        status=_STATUS.get(meter.status, "suspended"),
        minted_wh=meter.minted_wh,
        chain_registers=_registers(meter.chain_registers),
        latest_reading=_registers(meter.latest_reading),
    )


async def visible_meter(
    context: GatewayContext, caller: Principal, meter_id: uuid.UUID
) -> MeterRow:
    """The meter if the caller owns it or is an operator; MeterNotFoundError otherwise."""
    meter = (await context.energy.repository.meters([meter_id])).get(meter_id)
    if meter is not None and caller.role != "operator":
        wallets = {wallet.address for wallet in await context.accounts.wallets(caller.user_id)}
        if meter.owner not in wallets:
            meter = None
    if meter is None:
        raise MeterNotFoundError(
            f"meter {meter_id} does not exist or is not one of this account's meters",
            {"meter_id": str(meter_id)},
        )
    return meter


def _range(
    start: datetime | None, end: datetime | None, longest: timedelta
) -> tuple[datetime, datetime]:
    end = end or datetime.now(UTC)
    start = start or end - _DEFAULT_SPAN
    if end <= start or end - start > longest:
        raise RangeInvalidError(
            f"'from' must be before 'to' and the range at most {longest.days} days; got "
            f"{start.isoformat()} .. {end.isoformat()}",
            {"from": start.isoformat(), "to": end.isoformat(), "max_days": longest.days},
        )
    return start, end


@router.get("/v1/me/meters", responses=_PRIVATE)
async def my_meters(caller: Caller, context: ContextDep) -> MetersPublic:
    """The meters whose on-chain owner is one of the caller's wallets (Registry meter accounts
    read now), with their address, status, registers and minted Wh, and the newest reading
    ingestion accepted. Meters the minting service recorded for these wallets are added from
    its mirror; without the chain, the mirror answers alone (``chain_checked`` false)."""
    energy = context.energy
    wallets = [wallet.address for wallet in await context.accounts.wallets(caller.user_id)]
    mirror = {row.meter_id: row for row in await energy.repository.meters_of_owners(wallets)}
    try:
        on_chain = await energy.chain.owned_by(wallets)
        chain_checked = True
    except UnavailableError:
        on_chain, chain_checked = [], False
    chain_ids = [uuid.UUID(bytes=account.meter_id) for _, account in on_chain]
    known = await energy.repository.meters([i for i in chain_ids if i not in mirror])
    known.update(mirror)
    data = [
        _chain_meter_public(address, account, known.get(meter_id))
        for meter_id, (address, account) in zip(chain_ids, on_chain, strict=True)
    ]
    data += [
        _meter_public(context, row) for meter_id, row in mirror.items() if meter_id not in chain_ids
    ]
    return MetersPublic(data=data, count=len(data), chain_checked=chain_checked)


@router.get("/v1/meters/{meter_id}/readings", responses=_PRIVATE)
async def meter_readings(
    meter_id: uuid.UUID,
    caller: Caller,
    context: ContextDep,
    start: From = None,
    end: To = None,
    resolution_s: Annotated[
        int | None,
        Query(alias="resolution", ge=1, le=86_400, description="Bucket width in seconds"),
    ] = None,
) -> ReadingsPublic:
    """Readings from InfluxDB, one point per bucket (its last registers); a resolution too fine
    for the range is coarsened so that at most ``readings_max_points`` points answer."""
    await visible_meter(context, caller, meter_id)
    start, end = _range(start, end, MAX_READINGS_SPAN)
    span_ms = int((end - start).total_seconds() * 1000)
    resolution = plan_resolution(
        span_ms, resolution_s, context.settings.gateway.readings_max_points
    )
    buckets = await context.energy.readings.buckets(meter_id, start, end, resolution)
    return ReadingsPublic(
        meter_id=meter_id,
        start=start,
        end=end,
        resolution_s=resolution,
        data=[
            ReadingPoint(
                time=datetime.fromtimestamp(b.start_ms / 1000, UTC),
                export_wh=b.export_wh,
                import_wh=b.import_wh,
            )
            for b in buckets
        ],
    )


@router.get("/v1/meters/{meter_id}/intervals", responses=_PRIVATE)
async def meter_intervals(
    meter_id: uuid.UUID, caller: Caller, context: ContextDep, start: From = None, end: To = None
) -> IntervalsPublic:
    """15-minute intervals from PostgreSQL (at most 31 days): the energy exported and imported
    in each, and its last registers."""
    await visible_meter(context, caller, meter_id)
    start, end = _range(start, end, MAX_INTERVALS_SPAN)
    limit = int(MAX_INTERVALS_SPAN.total_seconds()) // INTERVAL_S + 1
    rows = await context.energy.repository.intervals(meter_id, start, end, limit)
    return IntervalsPublic(
        meter_id=meter_id,
        data=[
            IntervalPublic(
                interval_start=row.interval_start,
                export_wh=row.export_wh,
                import_wh=row.import_wh,
                last_export_wh=row.last_export_wh,
                last_import_wh=row.last_import_wh,
                first_timestamp_ms=row.first_timestamp_ms,
                last_timestamp_ms=row.last_timestamp_ms,
            )
            for row in rows
        ],
    )


@router.get("/v1/meters/{meter_id}/mints", responses=_PRIVATE)
async def meter_mints(
    meter_id: uuid.UUID,
    caller: Caller,
    context: ContextDep,
    before: Annotated[
        int | None, Query(ge=1, le=BIGINT_MAX, description="Cursor from next_before")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> MintsPublic:
    """The meter's mint transactions, newest first, with their signatures and outcome."""
    await visible_meter(context, caller, meter_id)
    rows = await context.energy.repository.mints(meter_id, before, limit + 1)
    page = rows[:limit]
    return MintsPublic(
        meter_id=meter_id,
        data=[
            MintPublic(
                tx_signature=row.tx_signature,
                status=row.status,  # type: ignore[arg-type]
                export_wh=row.export_wh,
                import_wh=row.import_wh,
                timestamp_ms=row.timestamp_ms,
                minted_wh=row.minted_wh,
                created_at=row.created_at,
                resolved_at=row.resolved_at,
            )
            for row in page
        ],
        next_before=page[-1].submission_id if len(rows) > limit else None,
    )


@router.post(
    "/v1/readings/batch",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(401, 429),
)
async def post_readings(body: ReadingBatchIn, context: ContextDep) -> ReadingBatchAccepted:
    """Device-signed readings of field meters, produced to ``meter-readings`` (202 once the
    broker acknowledged them). Every signature must verify against its meter's device key;
    one bad reading refuses the whole batch. Per-meter rate limit: 429 with Retry-After."""
    accepted = await context.energy.intake.accept(body.readings, time.time())
    return ReadingBatchAccepted(accepted=accepted, topic=context.energy.producer.topic)
