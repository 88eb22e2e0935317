"""Market parameters: which component honours which, and the ones an operator may change.

* **fee_bps** — the Trading program's ``Market.fee_bps``, charged by ``settle`` on every fill.
  It is set once by ``initialize_market``; the program has no instruction that changes it, so
  there is no transaction for the operator's wallet to sign. Read from the chain; a request for
  another value is refused (``409 market_fee_on_chain``).
* **tick_per_kwh**, **lot_gxt_base_units** — enforced by the gateway's order routes when they
  prepare ``place_order`` (the matcher and the program take any integer). Defaults come from
  ``gateway.orders`` (``GRIDTOKENX_ORDERS__TICK_PER_KWH``/``__LOT_GXT_BASE_UNITS``); an
  operator's per-market values live in PostgreSQL (``market_parameters``, migration 0010) and
  every gateway worker reads them through :class:`MarketParameters` (cached for
  ``CACHE_S`` seconds, so a change applies everywhere within that time). Orders placed directly
  on chain (not prepared by the gateway) are not checked.
* **mode** (continuous or auction) and ``auction_interval_ms`` — the matcher's settings
  (``GRIDTOKENX_MARKET__MODE``), fixed for a market's life: the matching engine cannot switch a
  live book. Reported here; a request for the other mode is refused (``409 market_mode_fixed``).

Bounds: a tick lies in ``1..orders.max_price_per_kwh`` and some multiple of it must lie within
``orders.min_price_per_kwh..max_price_per_kwh``; likewise a lot within the quantity bounds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, MetaData, Table, Text, Uuid, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from gridtokenx.config import OrderBoundsSettings
from gridtokenx.gateway.audit import record_audit
from gridtokenx.gateway.auth_service import Principal
from gridtokenx.gateway.database import postgres_transaction
from gridtokenx.gateway.errors import MarketParameterError

CACHE_S = 2.0

metadata = MetaData()
market_parameters = Table(
    "market_parameters",
    metadata,
    Column("market", Text, primary_key=True),
    Column("tick_per_kwh", BigInteger, nullable=False),
    Column("lot_gxt_base_units", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", Uuid, nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class TickAndLot:
    tick_per_kwh: int
    lot_gxt_base_units: int
    source: str
    """``operator`` (a ``market_parameters`` row) or ``configuration`` (``gateway.orders``)."""


def check_tick_and_lot(bounds: OrderBoundsSettings, *, tick: int, lot: int) -> None:
    """Refuse a tick or lot with which no price or no quantity would be valid."""
    low, high = bounds.min_price_per_kwh, bounds.max_price_per_kwh
    if not 1 <= tick <= high or -(-low // tick) * tick > high:
        raise MarketParameterError(
            f"tick_per_kwh must be at least 1 and have a multiple between {low} and {high} "
            f"(the price bounds); got {tick}",
            {"parameter": "tick_per_kwh", "min": 1, "max": high, "got": tick},
        )
    low, high = bounds.min_quantity_gxt_base_units, bounds.max_quantity_gxt_base_units
    if not 1 <= lot <= high or -(-low // lot) * lot > high:
        raise MarketParameterError(
            f"lot_gxt_base_units must be at least 1 and have a multiple between {low} and "
            f"{high} (the quantity bounds); got {lot}",
            {"parameter": "lot_gxt_base_units", "min": 1, "max": high, "got": lot},
        )


class MarketParameters:
    """Per-market tick and lot for the order routes: the operator's row, else configuration."""

    def __init__(self, engine: AsyncEngine, bounds: OrderBoundsSettings) -> None:
        self._engine = engine
        self._bounds = bounds
        self._cache: dict[str, tuple[float, TickAndLot]] = {}

    def _default(self) -> TickAndLot:
        return TickAndLot(
            tick_per_kwh=self._bounds.tick_per_kwh,
            lot_gxt_base_units=self._bounds.lot_gxt_base_units,
            source="configuration",
        )

    async def current(self, market: str, *, fresh: bool = False) -> TickAndLot:
        cached = self._cache.get(market)
        if cached is not None and not fresh and time.monotonic() - cached[0] < CACHE_S:
            return cached[1]
        async with postgres_transaction(self._engine) as connection:
            row = (
                await connection.execute(
                    select(market_parameters).where(market_parameters.c.market == market)
                )
            ).first()
        value = (
            self._default()
            if row is None
            else TickAndLot(
                tick_per_kwh=int(row.tick_per_kwh),
                lot_gxt_base_units=int(row.lot_gxt_base_units),
                source="operator",
            )
        )
        self._cache[market] = (time.monotonic(), value)
        return value

    def bounds_for(self, value: TickAndLot) -> OrderBoundsSettings:
        return self._bounds.model_copy(
            update={
                "tick_per_kwh": value.tick_per_kwh,
                "lot_gxt_base_units": value.lot_gxt_base_units,
            }
        )

    async def change(
        self,
        actor: Principal,
        market: str,
        *,
        tick_per_kwh: int | None,
        lot_gxt_base_units: int | None,
        reason: str,
        extra: dict[str, Any],
    ) -> TickAndLot:
        """Store new values (the ones not given stay) with their audit row, in one transaction."""
        before = await self.current(market, fresh=True)
        tick = before.tick_per_kwh if tick_per_kwh is None else tick_per_kwh
        lot = before.lot_gxt_base_units if lot_gxt_base_units is None else lot_gxt_base_units
        check_tick_and_lot(self._bounds, tick=tick, lot=lot)
        statement = pg_insert(market_parameters).values(
            market=market,
            tick_per_kwh=tick,
            lot_gxt_base_units=lot,
            updated_at=func.now(),
            updated_by=actor.user_id,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[market_parameters.c.market],
            set_={
                "tick_per_kwh": statement.excluded.tick_per_kwh,
                "lot_gxt_base_units": statement.excluded.lot_gxt_base_units,
                "updated_at": statement.excluded.updated_at,
                "updated_by": statement.excluded.updated_by,
            },
        )
        async with postgres_transaction(self._engine) as connection:
            await connection.execute(statement)
            await record_audit(
                connection,
                actor_user_id=actor.user_id,
                action="market.parameters_changed",
                target=f"market:{market}",
                reason=reason,
                details={
                    "from": {
                        "tick_per_kwh": before.tick_per_kwh,
                        "lot_gxt_base_units": before.lot_gxt_base_units,
                        "source": before.source,
                    },
                    "to": {"tick_per_kwh": tick, "lot_gxt_base_units": lot},
                    **extra,
                },
            )
        value = TickAndLot(tick_per_kwh=tick, lot_gxt_base_units=lot, source="operator")
        self._cache[market] = (time.monotonic(), value)
        return value
