"""Retail tariffs with time-of-use periods by zone, and the grid's emission factor.

A zone's tariff is a list of periods — weekdays (ISO 1 = Monday .. 7 = Sunday) and a local
minute range ``[start_minute, end_minute)`` of the day, none crossing midnight — each with a
price; an instant inside no period has the base price. When periods overlap, the first listed
wins. Local time is UTC plus a fixed offset (:mod:`gridtokenx.statements.month`).

All prices are USDC base units per kWh (the settlement currency, see
:class:`gridtokenx.config.StatementSettings` for why no exchange rate is involved). Public
holidays are not modelled: they are priced as the weekday they fall on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gridtokenx.statements.errors import TariffError

MINUTES_PER_DAY = 1440
_MS_PER_MINUTE = 60_000
_EPOCH_ISO_WEEKDAY = 4
"""1970-01-01 was a Thursday."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TouPeriod:
    name: str
    weekdays: frozenset[int]
    start_minute: int
    end_minute: int
    price_per_kwh: int

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= frozenset(range(1, 8)):
            raise TariffError(f"period {self.name!r}: weekdays must be a non-empty subset of 1..7")
        if not 0 <= self.start_minute < self.end_minute <= MINUTES_PER_DAY:
            raise TariffError(
                f"period {self.name!r}: need 0 <= start_minute < end_minute <= 1440 (got "
                f"{self.start_minute}..{self.end_minute}); split a period that crosses midnight"
            )
        if self.price_per_kwh < 0:
            raise TariffError(f"period {self.name!r}: the price cannot be negative")

    def contains(self, iso_weekday: int, minute_of_day: int) -> bool:
        return iso_weekday in self.weekdays and self.start_minute <= minute_of_day < self.end_minute


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneTariff:
    periods: tuple[TouPeriod, ...]
    base_period: str
    base_price_per_kwh: int
    feed_in_price_per_kwh: int
    """What the grid pays for exported energy (the alternative to selling on the market)."""

    def __post_init__(self) -> None:
        if self.base_price_per_kwh < 0 or self.feed_in_price_per_kwh < 0:
            raise TariffError("tariff prices cannot be negative")


@dataclass(frozen=True, slots=True, kw_only=True)
class Tariff:
    """Every zone's tariff (``zones``, else ``default``), in local time ``utc_offset_minutes``,
    and the grid's emission factor in grams of CO2 per kWh."""

    utc_offset_minutes: int
    default: ZoneTariff
    zones: Mapping[int, ZoneTariff] = field(default_factory=dict)
    grid_emission_g_per_kwh: int = 0

    def zone(self, zone_id: int | None) -> ZoneTariff:
        if zone_id is None:
            return self.default
        return self.zones.get(zone_id, self.default)

    def retail_price(self, zone_id: int | None, timestamp_ms: int) -> tuple[str, int]:
        """(period name, USDC base units per kWh) of the retail tariff at ``timestamp_ms``."""
        tariff = self.zone(zone_id)
        local_minute = (timestamp_ms // _MS_PER_MINUTE) + self.utc_offset_minutes
        day, minute_of_day = divmod(local_minute, MINUTES_PER_DAY)
        iso_weekday = (day + _EPOCH_ISO_WEEKDAY - 1) % 7 + 1
        for period in tariff.periods:
            if period.contains(iso_weekday, minute_of_day):
                return period.name, period.price_per_kwh
        return tariff.base_period, tariff.base_price_per_kwh
