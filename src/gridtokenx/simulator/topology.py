"""The distribution grid: substations, feeders (each behind one transformer), zones and meters.

Positions are latitude/longitude in degrees around the site centre, on a local flat-earth
approximation that is accurate to well under 1 % within the tens of kilometres of a city grid.
Children are scattered around their parent: substations within the site radius, feeders within a
quarter of it, zones within a tenth, meters within a fortieth (Gaussian, clipped to the disc).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gridtokenx.simulator.config import SiteConfig, TopologyConfig

KM_PER_DEG_LAT = 111.32


@dataclass(frozen=True, slots=True, kw_only=True)
class GridTopology:
    """Every node of the grid and the meters under it (index arrays point at the parent)."""

    substation_lat_deg: npt.NDArray[np.float64]
    substation_lon_deg: npt.NDArray[np.float64]
    feeder_substation: npt.NDArray[np.int32]
    feeder_lat_deg: npt.NDArray[np.float64]
    feeder_lon_deg: npt.NDArray[np.float64]
    zone_feeder: npt.NDArray[np.int32]
    zone_lat_deg: npt.NDArray[np.float64]
    zone_lon_deg: npt.NDArray[np.float64]
    meter_zone: npt.NDArray[np.int32]
    meter_lat_deg: npt.NDArray[np.float64]
    meter_lon_deg: npt.NDArray[np.float64]


def build_topology(
    site: SiteConfig, topology: TopologyConfig, meter_count: int, rng: np.random.Generator
) -> GridTopology:
    """Place the grid and attach each meter to a zone chosen uniformly at random."""
    radius_km = site.radius_km
    sub_lat, sub_lon = _scatter(
        rng,
        np.array([site.latitude_deg]),
        np.array([site.longitude_deg]),
        np.zeros(topology.substations, dtype=np.int32),
        radius_km,
    )
    feeder_substation = np.repeat(
        np.arange(topology.substations, dtype=np.int32), topology.feeders_per_substation
    )
    feeder_lat, feeder_lon = _scatter(rng, sub_lat, sub_lon, feeder_substation, radius_km / 4)
    zone_feeder = np.repeat(
        np.arange(feeder_substation.size, dtype=np.int32), topology.zones_per_feeder
    )
    zone_lat, zone_lon = _scatter(rng, feeder_lat, feeder_lon, zone_feeder, radius_km / 10)
    meter_zone = rng.integers(0, zone_feeder.size, size=meter_count, dtype=np.int32)
    meter_lat, meter_lon = _scatter(rng, zone_lat, zone_lon, meter_zone, radius_km / 40)
    return GridTopology(
        substation_lat_deg=sub_lat,
        substation_lon_deg=sub_lon,
        feeder_substation=feeder_substation,
        feeder_lat_deg=feeder_lat,
        feeder_lon_deg=feeder_lon,
        zone_feeder=zone_feeder,
        zone_lat_deg=zone_lat,
        zone_lon_deg=zone_lon,
        meter_zone=meter_zone,
        meter_lat_deg=meter_lat,
        meter_lon_deg=meter_lon,
    )


def _scatter(
    rng: np.random.Generator,
    parent_lat_deg: npt.NDArray[np.float64],
    parent_lon_deg: npt.NDArray[np.float64],
    parent: npt.NDArray[np.int32],
    radius_km: float,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Children placed around ``parent_*[parent]``, Gaussian with sigma radius/2, within radius."""
    offsets_km = rng.normal(0.0, radius_km / 2, size=(parent.size, 2))
    distance_km = np.hypot(offsets_km[:, 0], offsets_km[:, 1])
    shrink = np.minimum(1.0, radius_km / np.maximum(distance_km, 1e-12))
    offsets_km *= shrink[:, None]
    lat = parent_lat_deg[parent] + offsets_km[:, 0] / KM_PER_DEG_LAT
    km_per_deg_lon = KM_PER_DEG_LAT * np.maximum(np.cos(np.radians(lat)), 1e-6)
    lon = parent_lon_deg[parent] + offsets_km[:, 1] / km_per_deg_lon
    return lat, lon
