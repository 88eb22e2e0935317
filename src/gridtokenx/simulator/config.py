"""Settings of a simulated fleet: how many meters of which kind, where, and under which sky.

Every class is keyword-only and frozen; each field's unit is in its name and its meaning in the
docstring. Values are checked when the object is built and a wrong one raises FleetConfigError.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from gridtokenx.simulator.errors import FleetConfigError
from gridtokenx.simulator.kinds import MeterKind

SEED_MAX = 2**64 - 1


@dataclass(frozen=True, slots=True, kw_only=True)
class KindMix:
    """Shares of each meter kind in the fleet; they must add up to 1.

    Counts are ``round(share * meter_count)`` per kind, the rounding difference going to
    consumers, so a mix is reproduced exactly for any fleet size.
    """

    consumer: float = 0.45
    solar_prosumer: float = 0.35
    battery_prosumer: float = 0.10
    ev_charger: float = 0.10

    def __post_init__(self) -> None:
        shares = self.shares()
        if any(not math.isfinite(share) or share < 0 for share in shares.values()):
            raise FleetConfigError(f"kind shares must be finite and >= 0, got {shares}")
        if not math.isclose(sum(shares.values()), 1.0, abs_tol=1e-9):
            raise FleetConfigError(
                f"kind shares add up to {sum(shares.values())}, not 1: {shares}; "
                "adjust them so that they sum to 1"
            )

    def shares(self) -> dict[MeterKind, float]:
        """The share of each kind."""
        return {
            MeterKind.CONSUMER: self.consumer,
            MeterKind.SOLAR_PROSUMER: self.solar_prosumer,
            MeterKind.BATTERY_PROSUMER: self.battery_prosumer,
            MeterKind.EV_CHARGER: self.ev_charger,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteConfig:
    """The place the fleet stands and its climate.

    - ``latitude_deg``/``longitude_deg``: centre of the fleet (WGS 84); default Bangkok.
    - ``altitude_m``: ground height above sea level, for air pressure and clear-sky irradiance.
    - ``utc_offset_h``: local civil time, which drives household habits (load, EV arrivals).
    - ``radius_km``: substations are placed within this distance of the centre.
    - ``linke_turbidity``: haze of the clear-sky model (about 2 clean air, 5+ hazy city).
    - ``mean_air_temp_c``/``daily_air_temp_swing_c``: daily mean and max-min of air temperature.
    - ``cloud_cover_mean``: average cloud cover fraction (0 clear sky, 1 overcast).
    - ``cloud_variability``: how far cover moves around its mean from day to day and minute to
      minute (0 gives a constant cover, and with a mean of 0 a clear sky every day).
    """

    latitude_deg: float = 13.7563
    longitude_deg: float = 100.5018
    altitude_m: float = 5.0
    utc_offset_h: float = 7.0
    radius_km: float = 8.0
    linke_turbidity: float = 4.0
    mean_air_temp_c: float = 29.0
    daily_air_temp_swing_c: float = 8.0
    cloud_cover_mean: float = 0.35
    cloud_variability: float = 0.25

    def __post_init__(self) -> None:
        checks = {
            "latitude_deg": -90 <= self.latitude_deg <= 90,
            "longitude_deg": -180 <= self.longitude_deg <= 180,
            "altitude_m": -500 <= self.altitude_m <= 9000,
            "utc_offset_h": -12 <= self.utc_offset_h <= 14,
            "radius_km": 0 < self.radius_km <= 500,
            "linke_turbidity": 1 <= self.linke_turbidity <= 10,
            "mean_air_temp_c": -50 <= self.mean_air_temp_c <= 50,
            "daily_air_temp_swing_c": 0 <= self.daily_air_temp_swing_c <= 40,
            "cloud_cover_mean": 0 <= self.cloud_cover_mean <= 1,
            "cloud_variability": 0 <= self.cloud_variability <= 1,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise FleetConfigError(
                f"site settings out of range: {', '.join(f'{n}={getattr(self, n)!r}' for n in bad)}"
                "; see SiteConfig's docstring for the meaning and range of each"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class TopologyConfig:
    """The distribution grid: substations feed feeders (one transformer each) that feed zones."""

    substations: int = 2
    feeders_per_substation: int = 4
    zones_per_feeder: int = 4

    def __post_init__(self) -> None:
        counts = (self.substations, self.feeders_per_substation, self.zones_per_feeder)
        if any(count < 1 for count in counts):
            raise FleetConfigError(f"every topology count must be >= 1, got {self}")

    @property
    def zone_count(self) -> int:
        """Zones in the whole grid."""
        return self.substations * self.feeders_per_substation * self.zones_per_feeder


@dataclass(frozen=True, slots=True, kw_only=True)
class FleetConfig:
    """A whole simulated fleet.

    - ``meter_count``: meters in the fleet.
    - ``seed``: everything (placement, equipment, weather, noise, keys, ids) follows from it.
    - ``commercial_share``: share of consumers and solar prosumers with a commercial load
      profile (shops, offices) rather than a household one.
    - ``signing_threads``: threads that sign a tick's readings (the signer releases the GIL).
    """

    meter_count: int
    seed: int = 0
    mix: KindMix = field(default_factory=KindMix)
    site: SiteConfig = field(default_factory=SiteConfig)
    topology: TopologyConfig = field(default_factory=TopologyConfig)
    commercial_share: float = 0.1
    signing_threads: int = 1

    def __post_init__(self) -> None:
        if self.meter_count < 1:
            raise FleetConfigError(f"meter_count must be >= 1, got {self.meter_count}")
        if not 0 <= self.seed <= SEED_MAX:
            raise FleetConfigError(f"seed must be in 0..2**64-1, got {self.seed}")
        if not 0 <= self.commercial_share <= 1:
            raise FleetConfigError(f"commercial_share must be in 0..1, got {self.commercial_share}")
        if not 1 <= self.signing_threads <= 64:
            raise FleetConfigError(f"signing_threads must be in 1..64, got {self.signing_threads}")
