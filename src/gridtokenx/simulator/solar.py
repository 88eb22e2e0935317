"""Rooftop PV power from pvlib: clear sky once per tick for the site, then per panel in bulk.

Per tick, for the site centre (the fleet spans kilometres, the sun moves 0.01 degrees per
kilometre): NREL SPA sun position, Kasten-Young air mass and the Ineichen-Perez clear-sky model
with the site's Linke turbidity. Per zone: the clear-sky global irradiance scaled by the zone's
clear-sky index, split into beam and diffuse with the Erbs model. Per panel (arrays over all PV
meters at once): isotropic transposition onto the panel's tilt and azimuth, the Faiman cell
temperature and the PVWatts DC model with a -0.37 %/K temperature coefficient, then the PVWatts
default 14 % system losses, clipped at the inverter rating (the panel's ``capacity_w``).

Guarantee: ``0 <= pv_w <= capacity_w`` for every panel, and ``pv_w == 0`` with the sun below
the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
from pvlib import (  # type: ignore[import-untyped]  # pvlib ships no type information
    atmosphere,
    clearsky,
    irradiance,
    pvsystem,
    spa,
    temperature,
)

from gridtokenx.simulator.config import SiteConfig

DELTA_T_S = 69.0
"""TT - UT1 in seconds for the 2020s; its error moves the sun by well under a second of time."""
ATMOSPHERIC_REFRACTION_DEG = 0.5667
GROUND_ALBEDO = 0.2
WIND_SPEED_M_S = 1.5
TEMPERATURE_COEFFICIENT_PER_K = -0.0037
SYSTEM_LOSSES = 0.14


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteSky:
    """The sun and the clear-sky irradiance over the site at one instant (W/m2, degrees)."""

    apparent_zenith_deg: float
    azimuth_deg: float
    ghi_w_m2: float
    dni_w_m2: float
    dhi_w_m2: float
    day_of_year: int

    @property
    def sun_up(self) -> bool:
        """Whether the sun is above the horizon (refraction included)."""
        return self.apparent_zenith_deg < 90.0


@dataclass(frozen=True, slots=True, kw_only=True)
class PvPanels:
    """The PV systems of a set of meters, one entry per meter (arrays of equal length)."""

    capacity_w: npt.NDArray[np.float64]
    tilt_deg: npt.NDArray[np.float64]
    azimuth_deg: npt.NDArray[np.float64]
    zone: npt.NDArray[np.int32]


def site_sky(site: SiteConfig, unix_s: float) -> SiteSky:
    """Sun position and clear-sky irradiance at the site centre at ``unix_s``."""
    pressure_pa = float(atmosphere.alt2pres(site.altitude_m))
    apparent_zenith, _, _, _, azimuth, _ = spa.solar_position(
        np.array([unix_s]),
        site.latitude_deg,
        site.longitude_deg,
        site.altitude_m,
        pressure_pa / 100,
        12.0,
        DELTA_T_S,
        ATMOSPHERIC_REFRACTION_DEG,
        numthreads=1,
    )
    zenith_deg = float(apparent_zenith[0])
    day_of_year = datetime.fromtimestamp(unix_s, UTC).timetuple().tm_yday
    if zenith_deg >= 90.0:
        return SiteSky(
            apparent_zenith_deg=zenith_deg,
            azimuth_deg=float(azimuth[0]),
            ghi_w_m2=0.0,
            dni_w_m2=0.0,
            dhi_w_m2=0.0,
            day_of_year=day_of_year,
        )
    airmass = atmosphere.get_absolute_airmass(
        atmosphere.get_relative_airmass(zenith_deg), pressure_pa
    )
    dni_extra = irradiance.get_extra_radiation(day_of_year)
    sky = clearsky.ineichen(zenith_deg, airmass, site.linke_turbidity, site.altitude_m, dni_extra)
    return SiteSky(
        apparent_zenith_deg=zenith_deg,
        azimuth_deg=float(azimuth[0]),
        ghi_w_m2=float(sky["ghi"]),
        dni_w_m2=float(sky["dni"]),
        dhi_w_m2=float(sky["dhi"]),
        day_of_year=day_of_year,
    )


def pv_power_w(
    panels: PvPanels,
    sky: SiteSky,
    zone_clear_sky_index: npt.NDArray[np.float64],
    air_temp_c: float,
) -> npt.NDArray[np.float64]:
    """AC power of every panel (W) under ``sky`` with each zone's clear-sky index."""
    if not sky.sun_up or panels.capacity_w.size == 0:
        return np.zeros(panels.capacity_w.size)
    zone_ghi = sky.ghi_w_m2 * zone_clear_sky_index
    split = irradiance.erbs(zone_ghi, sky.apparent_zenith_deg, sky.day_of_year)
    zone_dni = np.nan_to_num(np.asarray(split["dni"], dtype=np.float64))
    zone_dhi = np.nan_to_num(np.asarray(split["dhi"], dtype=np.float64))
    poa = irradiance.get_total_irradiance(
        panels.tilt_deg,
        panels.azimuth_deg,
        sky.apparent_zenith_deg,
        sky.azimuth_deg,
        zone_dni[panels.zone],
        zone_ghi[panels.zone],
        zone_dhi[panels.zone],
        albedo=GROUND_ALBEDO,
    )
    poa_w_m2 = np.maximum(np.nan_to_num(np.asarray(poa["poa_global"], dtype=np.float64)), 0.0)
    cell_temp_c = temperature.faiman(poa_w_m2, air_temp_c, WIND_SPEED_M_S)
    dc_w = pvsystem.pvwatts_dc(
        poa_w_m2, cell_temp_c, panels.capacity_w, TEMPERATURE_COEFFICIENT_PER_K
    )
    ac_w: npt.NDArray[np.float64] = np.clip(
        np.asarray(dc_w, dtype=np.float64) * (1 - SYSTEM_LOSSES), 0.0, panels.capacity_w
    )
    return ac_w
