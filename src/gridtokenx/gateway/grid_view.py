"""The grid as GeoJSON and per-zone flows: pure functions over the simulator's topology.

Public view (privacy, issue 8 item 14): substations, feeders and zones with their positions
and, per zone, how many meters it has — never a meter's id, owner or position. Meters (exact
positions) are added only for the caller's own meters, or every placed meter for operators.
A zone with fewer than :data:`MIN_ZONE_METERS` reporting meters has its flows withheld, so a
zone of one household never shows that household's live consumption.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from gridtokenx.simulator.config import FleetConfig
from gridtokenx.simulator.streams import Stream, rng_for
from gridtokenx.simulator.topology import GridTopology, build_topology

MIN_ZONE_METERS = 3
"""Fewest reporting meters for a zone's flows to be shown publicly."""


@lru_cache(maxsize=4)
def fleet_topology(config: FleetConfig) -> GridTopology:
    """The grid the simulator builds for ``config`` (deterministic in its seed)."""
    return build_topology(
        config.site, config.topology, config.meter_count, rng_for(config.seed, Stream.TOPOLOGY)
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PlacedMeter:
    meter_id: uuid.UUID
    kind: int
    meter_index: int
    """Its index in the fleet, which places it in the topology."""


def _point(lat_deg: float, lon_deg: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(float(lon_deg), 7), round(float(lat_deg), 7)]}


def _feature(feature_id: str, geometry: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "id": feature_id, "geometry": geometry, "properties": properties}


def topology_features(
    topology: GridTopology,
    meter_counts: Mapping[int, int],
    meters: Sequence[PlacedMeter] = (),
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (coordinates ``[longitude, latitude]``, WGS 84)."""
    features = [
        _feature(f"substation-{index}", _point(lat, lon), kind="substation", substation=index)
        for index, (lat, lon) in enumerate(
            zip(topology.substation_lat_deg, topology.substation_lon_deg, strict=True)
        )
    ]
    features += [
        _feature(
            f"feeder-{index}",
            _point(lat, lon),
            kind="feeder",
            feeder=index,
            substation=int(topology.feeder_substation[index]),
        )
        for index, (lat, lon) in enumerate(
            zip(topology.feeder_lat_deg, topology.feeder_lon_deg, strict=True)
        )
    ]
    features += [
        _feature(
            f"zone-{index}",
            _point(lat, lon),
            kind="zone",
            zone=index,
            feeder=int(topology.zone_feeder[index]),
            meter_count=int(meter_counts.get(index, 0)),
        )
        for index, (lat, lon) in enumerate(
            zip(topology.zone_lat_deg, topology.zone_lon_deg, strict=True)
        )
    ]
    placed = topology.meter_zone.size
    features += [
        _feature(
            f"meter-{meter.meter_id}",
            _point(
                topology.meter_lat_deg[meter.meter_index], topology.meter_lon_deg[meter.meter_index]
            ),
            kind="meter",
            meter_id=str(meter.meter_id),
            meter_kind=meter.kind,
            zone=int(topology.meter_zone[meter.meter_index]),
        )
        for meter in meters
        if 0 <= meter.meter_index < placed
    ]
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneLive:
    zone_id: int
    meter_count: int
    production_wh: int | None
    consumption_wh: int | None
    net_export_wh: int | None
    """Production minus consumption: positive when the zone feeds the grid."""


def zone_live(zone_id: int, meter_count: int, production_wh: int, consumption_wh: int) -> ZoneLive:
    if meter_count < MIN_ZONE_METERS:
        return ZoneLive(
            zone_id=zone_id,
            meter_count=meter_count,
            production_wh=None,
            consumption_wh=None,
            net_export_wh=None,
        )
    return ZoneLive(
        zone_id=zone_id,
        meter_count=meter_count,
        production_wh=production_wh,
        consumption_wh=consumption_wh,
        net_export_wh=production_wh - consumption_wh,
    )
