"""Monthly statements for the gateway: the month checked, the user's records read
(:mod:`gridtokenx.gateway.statement_repository`), the statement computed by the pure core
(:mod:`gridtokenx.statements`) with the configured tariff and the market's fee.

The fee rate is ``chain.market_fee_bps``, the rate bootstrap gives the market; a market whose
fee was changed on chain since needs that setting changed too. The current month can be asked
for (its statement grows until the month ends); a month that has not started is refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from gridtokenx.config import Settings, StatementSettings, ZoneTariffSettings
from gridtokenx.gateway.errors import (
    StatementMonthFutureError,
    StatementMonthInvalidError,
    StatementNotFoundError,
)
from gridtokenx.gateway.statement_repository import StatementRepository
from gridtokenx.statements import (
    Month,
    MonthError,
    Statement,
    Tariff,
    TouPeriod,
    ZoneTariff,
    build_statement,
)


def _zone_tariff(settings: ZoneTariffSettings) -> ZoneTariff:
    return ZoneTariff(
        periods=tuple(
            TouPeriod(
                name=period.name,
                weekdays=frozenset(period.weekdays),
                start_minute=period.start_minute,
                end_minute=period.end_minute,
                price_per_kwh=period.price_per_kwh,
            )
            for period in settings.periods
        ),
        base_period=settings.base_period,
        base_price_per_kwh=settings.base_price_per_kwh,
        feed_in_price_per_kwh=settings.feed_in_price_per_kwh,
    )


def tariff_from_settings(settings: StatementSettings) -> Tariff:
    """The core's tariff from the ``statements`` settings (TariffError if one cannot work)."""
    return Tariff(
        utc_offset_minutes=settings.utc_offset_minutes,
        default=_zone_tariff(settings.default_tariff),
        zones={zone: _zone_tariff(tariff) for zone, tariff in settings.zone_tariffs.items()},
        grid_emission_g_per_kwh=settings.grid_emission_g_per_kwh,
    )


def _now() -> datetime:
    return datetime.now(UTC)


class StatementService:
    def __init__(
        self, settings: Settings, engine: AsyncEngine, clock: Callable[[], datetime] = _now
    ) -> None:
        self._tariff = tariff_from_settings(settings.statements)
        self._fee_bps = settings.chain.market_fee_bps
        self._repository = StatementRepository(engine)
        self._clock = clock

    def month(self, text: str) -> Month:
        """``text`` as a month that has started; StatementMonthInvalidError or
        StatementMonthFutureError otherwise."""
        try:
            month = Month.parse(text)
        except MonthError as exc:
            raise StatementMonthInvalidError(str(exc), {"month": text[:32]}) from exc
        current = Month.containing(self._clock(), self._tariff.utc_offset_minutes)
        if month > current:
            raise StatementMonthFutureError(
                f"{month} has not started yet; the latest statement is {current}'s",
                {"month": str(month), "current_month": str(current)},
            )
        return month

    async def statement(self, user_id: uuid.UUID, month_text: str) -> Statement:
        month = self.month(month_text)
        start_ms, end_ms = month.bounds_ms(self._tariff.utc_offset_minutes)
        records = await self._repository.month(user_id, start_ms=start_ms, end_ms=end_ms)
        if records is None:
            raise StatementNotFoundError(
                f"no statements for account {user_id}: it does not exist or is not yours",
                {"user_id": str(user_id)},
            )
        return build_statement(
            user_id=str(user_id),
            month=month,
            wallets=records.wallets,
            zone_id=records.zone_id,
            fills=records.fills,
            mints=records.mints,
            tariff=self._tariff,
            fee_bps=self._fee_bps,
        )
