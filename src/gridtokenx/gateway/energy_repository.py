"""Energy data in PostgreSQL, read-only: meters (``meters``, ``meter_chain_accounts``,
``meter_mint_states``, ``meter_watermarks``), 15-minute ``meter_intervals``, the mint ledger
(``mint_submissions``), per-zone aggregates and the stored simulator scenario.

Queries run in :func:`~gridtokenx.gateway.database.postgres_transaction`, so an unreachable
server is the same 503 everywhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gridtokenx.gateway.database import postgres_transaction
from gridtokenx.simulator.config import FleetConfig
from gridtokenx.simulator.scenario import fleet_config_from_json

INTERVAL_S = 15 * 60


@dataclass(frozen=True, slots=True, kw_only=True)
class MeterRow:
    meter_id: uuid.UUID
    owner: str | None
    registered: bool
    kind: int
    zone_id: int
    status: int
    device_pubkey: bytes
    fleet_seed: int | None
    meter_index: int | None
    minted_wh: int
    chain_registers: tuple[int, int, int] | None
    """export_wh, import_wh, timestamp_ms."""
    latest_reading: tuple[int, int, int] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class IntervalRow:
    interval_start: datetime
    export_wh: int
    import_wh: int
    last_export_wh: int
    last_import_wh: int
    first_timestamp_ms: int
    last_timestamp_ms: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MintRow:
    submission_id: int
    tx_signature: str
    status: str
    export_wh: int
    import_wh: int
    timestamp_ms: int
    minted_wh: int | None
    created_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneFlow:
    zone_id: int
    meter_count: int
    """Meters that reported in the interval."""
    production_wh: int
    consumption_wh: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneTrades:
    from_zone: int
    """The sellers' zone."""
    to_zone: int
    trade_count: int
    traders: int
    """Distinct sellers plus distinct buyers."""
    quantity: int
    """GXT base units."""


_METERS = """
    SELECT m.meter_id, COALESCE(c.owner_wallet, m.owner_wallet) AS owner,
           c.meter_id IS NOT NULL AS registered, m.kind, m.zone_id,
           COALESCE(c.chain_status, m.status) AS status, m.device_pubkey,
           c.fleet_seed, c.meter_index, COALESCE(s.minted_wh, 0) AS minted_wh,
           s.export_wh AS chain_export_wh, s.import_wh AS chain_import_wh,
           s.timestamp_ms AS chain_timestamp_ms,
           w.export_wh AS read_export_wh, w.import_wh AS read_import_wh,
           w.timestamp_ms AS read_timestamp_ms
    FROM meters m
    LEFT JOIN meter_chain_accounts c USING (meter_id)
    LEFT JOIN meter_mint_states s USING (meter_id)
    LEFT JOIN meter_watermarks w USING (meter_id)
"""

# Energy in an interval is its last register minus the previous interval's last register
# (the reading that closed the previous interval opens this one), falling back to the
# interval's own first reading for a meter's first interval.
_INTERVALS = text(
    """
    SELECT i.interval_start, i.last_export_wh, i.last_import_wh,
           i.first_timestamp_ms, i.last_timestamp_ms,
           i.last_export_wh - COALESCE(LAG(i.last_export_wh) OVER w, p.last_export_wh,
                                       i.first_export_wh) AS export_wh,
           i.last_import_wh - COALESCE(LAG(i.last_import_wh) OVER w, p.last_import_wh,
                                       i.first_import_wh) AS import_wh
    FROM meter_intervals i
    LEFT JOIN LATERAL (
        SELECT last_export_wh, last_import_wh FROM meter_intervals
        WHERE meter_id = :meter_id AND interval_start < :start
        ORDER BY interval_start DESC LIMIT 1
    ) p ON true
    WHERE i.meter_id = :meter_id AND i.interval_start >= :start AND i.interval_start < :end
    WINDOW w AS (ORDER BY i.interval_start)
    ORDER BY i.interval_start
    LIMIT :limit
    """
)

_LATEST_COMPLETE_INTERVAL = text(
    """
    SELECT max(interval_start) FROM meter_intervals
    WHERE interval_start <= CAST(:now AS timestamptz) - make_interval(secs => :interval_s)
      AND interval_start > CAST(:now AS timestamptz) - interval '1 day'
    """
)

_ZONE_FLOWS = text(
    """
    SELECT m.zone_id, count(*) AS meter_count,
           sum(i.last_export_wh - COALESCE(p.last_export_wh, i.first_export_wh)) AS production,
           sum(i.last_import_wh - COALESCE(p.last_import_wh, i.first_import_wh)) AS consumption
    FROM meter_intervals i
    JOIN meters m USING (meter_id)
    LEFT JOIN meter_intervals p
        ON p.meter_id = i.meter_id
       AND p.interval_start = i.interval_start - make_interval(secs => :interval_s)
    WHERE i.interval_start = :interval_start
    GROUP BY m.zone_id
    ORDER BY m.zone_id
    """
)


# A wallet has a zone when all its meters stand in one; trades name wallets, not meters.
_ZONE_TRADES = text(
    """
    WITH wallet_zone AS (
        SELECT c.owner_wallet AS wallet, min(m.zone_id) AS zone_id
        FROM meter_chain_accounts c JOIN meters m USING (meter_id)
        GROUP BY c.owner_wallet
        HAVING count(DISTINCT m.zone_id) = 1
    )
    SELECT s.zone_id AS from_zone, b.zone_id AS to_zone, count(*) AS trade_count,
           count(DISTINCT t.seller) + count(DISTINCT t.buyer) AS traders,
           sum(t.quantity) AS quantity
    FROM settlement_trades t
    JOIN wallet_zone s ON s.wallet = t.seller
    JOIN wallet_zone b ON b.wallet = t.buyer
    WHERE t.trade_timestamp_ms >= :start_ms AND t.trade_timestamp_ms < :end_ms
      AND t.status <> 'rejected' AND s.zone_id <> b.zone_id
    GROUP BY s.zone_id, b.zone_id
    ORDER BY s.zone_id, b.zone_id
    """
)


def _registers(export_wh: Any, import_wh: Any, timestamp_ms: Any) -> tuple[int, int, int] | None:
    if export_wh is None:
        return None
    return int(export_wh), int(import_wh), int(timestamp_ms)


def _meter(row: Any) -> MeterRow:
    return MeterRow(
        meter_id=row.meter_id,
        owner=row.owner,
        registered=bool(row.registered),
        kind=int(row.kind),
        zone_id=int(row.zone_id),
        status=int(row.status),
        device_pubkey=bytes(row.device_pubkey),
        fleet_seed=row.fleet_seed,
        meter_index=row.meter_index,
        minted_wh=int(row.minted_wh),
        chain_registers=_registers(
            row.chain_export_wh, row.chain_import_wh, row.chain_timestamp_ms
        ),
        latest_reading=_registers(row.read_export_wh, row.read_import_wh, row.read_timestamp_ms),
    )


class EnergyRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def _all(self, statement: Any, parameters: dict[str, Any]) -> Sequence[Any]:
        async with postgres_transaction(self._engine) as connection:
            return (await connection.execute(statement, parameters)).all()

    async def meters_of_owners(self, owners: Sequence[str]) -> list[MeterRow]:
        rows = await self._all(
            text(
                _METERS
                + " WHERE COALESCE(c.owner_wallet, m.owner_wallet) = ANY(:owners)"
                + " ORDER BY m.created_at, m.meter_id"
            ),
            {"owners": list(owners)},
        )
        return [_meter(row) for row in rows]

    async def meters(self, meter_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, MeterRow]:
        rows = await self._all(
            text(_METERS + " WHERE m.meter_id = ANY(:ids)"), {"ids": list(meter_ids)}
        )
        return {row.meter_id: _meter(row) for row in rows}

    async def intervals(
        self, meter_id: uuid.UUID, start: datetime, end: datetime, limit: int
    ) -> list[IntervalRow]:
        rows = await self._all(
            _INTERVALS, {"meter_id": meter_id, "start": start, "end": end, "limit": limit}
        )
        return [
            IntervalRow(
                interval_start=row.interval_start,
                export_wh=int(row.export_wh),
                import_wh=int(row.import_wh),
                last_export_wh=int(row.last_export_wh),
                last_import_wh=int(row.last_import_wh),
                first_timestamp_ms=int(row.first_timestamp_ms),
                last_timestamp_ms=int(row.last_timestamp_ms),
            )
            for row in rows
        ]

    async def mints(self, meter_id: uuid.UUID, before: int | None, limit: int) -> list[MintRow]:
        rows = await self._all(
            text(
                """
                SELECT submission_id, tx_signature, status, export_wh, import_wh, timestamp_ms,
                       minted_wh, created_at, resolved_at
                FROM mint_submissions
                WHERE meter_id = :meter_id AND (CAST(:before AS bigint) IS NULL
                                                OR submission_id < :before)
                ORDER BY submission_id DESC
                LIMIT :limit
                """
            ),
            {"meter_id": meter_id, "before": before, "limit": limit},
        )
        return [
            MintRow(
                submission_id=int(row.submission_id),
                tx_signature=row.tx_signature,
                status=row.status,
                export_wh=int(row.export_wh),
                import_wh=int(row.import_wh),
                timestamp_ms=int(row.timestamp_ms),
                minted_wh=None if row.minted_wh is None else int(row.minted_wh),
                created_at=row.created_at,
                resolved_at=row.resolved_at,
            )
            for row in rows
        ]

    async def placed_meters(self, fleet_seed: int) -> list[MeterRow]:
        """Every registered meter of the simulated fleet ``fleet_seed`` (they have a place)."""
        rows = await self._all(
            text(_METERS + " WHERE c.fleet_seed = :seed ORDER BY c.meter_index"),
            {"seed": fleet_seed},
        )
        return [_meter(row) for row in rows]

    async def meter_counts_by_zone(self) -> dict[int, int]:
        rows = await self._all(
            text("SELECT zone_id, count(*) AS n FROM meters GROUP BY zone_id"), {}
        )
        return {int(row.zone_id): int(row.n) for row in rows}

    async def latest_complete_interval(self, now: datetime) -> datetime | None:
        rows = await self._all(_LATEST_COMPLETE_INTERVAL, {"now": now, "interval_s": INTERVAL_S})
        latest: datetime | None = rows[0][0] if rows else None
        return latest

    async def zone_flows(self, interval_start: datetime) -> list[ZoneFlow]:
        rows = await self._all(
            _ZONE_FLOWS, {"interval_start": interval_start, "interval_s": INTERVAL_S}
        )
        return [
            ZoneFlow(
                zone_id=int(row.zone_id),
                meter_count=int(row.meter_count),
                production_wh=int(row.production),
                consumption_wh=int(row.consumption),
            )
            for row in rows
        ]

    async def zone_trades(self, interval_start: datetime) -> list[ZoneTrades]:
        """Trades of the interval between wallets of different zones, per (seller, buyer) zone."""
        start_ms = int(interval_start.timestamp() * 1000)
        rows = await self._all(
            _ZONE_TRADES, {"start_ms": start_ms, "end_ms": start_ms + INTERVAL_S * 1000}
        )
        return [
            ZoneTrades(
                from_zone=int(row.from_zone),
                to_zone=int(row.to_zone),
                trade_count=int(row.trade_count),
                traders=int(row.traders),
                quantity=int(row.quantity),
            )
            for row in rows
        ]

    async def fleet_config(self, name: str = "default") -> FleetConfig | None:
        rows = await self._all(
            text("SELECT fleet_config FROM simulator_scenarios WHERE name = :name"),
            {"name": name},
        )
        return fleet_config_from_json(rows[0][0]) if rows else None
