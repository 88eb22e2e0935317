"""Read-only views of a running fleet for the control API and the stream (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from gridtokenx.core.ids import meter_id_from_bytes
from gridtokenx.simulator.faults import FaultKind
from gridtokenx.simulator.fleet import Fleet
from gridtokenx.simulator.grid import GridLedger
from gridtokenx.simulator.kinds import MeterKind

_MS_PER_HOUR = 3_600_000


@dataclass(frozen=True, slots=True, kw_only=True)
class MeterView:
    """One meter: where it is, its registers and its average flows over the latest tick."""

    index: int
    meter_id: str
    kind: str
    zone: int
    feeder: int
    latitude_deg: float
    longitude_deg: float
    export_register_wh: int
    import_register_wh: int
    pv_w: float
    load_w: float
    import_w: float
    export_w: float
    fault: FaultKind | None
    """What the meter suffered in the latest tick (None: it reported honestly)."""


def meter_views(
    fleet: Fleet, ledger: GridLedger, faults: dict[int, FaultKind], indices: range | None = None
) -> list[MeterView]:
    """Views of the meters at ``indices`` (all by default), after the latest tick."""
    latest = ledger.latest
    topology = fleet.topology
    views = []
    for index in indices if indices is not None else range(fleet.config.meter_count):
        zone = int(topology.meter_zone[index])
        to_w = 0.0 if latest is None else _MS_PER_HOUR / latest.interval_ms
        views.append(
            MeterView(
                index=index,
                meter_id=str(meter_id_from_bytes(fleet.meter_ids[index].tobytes())),
                kind=MeterKind(int(fleet.kinds[index])).name.lower(),
                zone=zone,
                feeder=int(topology.zone_feeder[zone]),
                latitude_deg=float(topology.meter_lat_deg[index]),
                longitude_deg=float(topology.meter_lon_deg[index]),
                export_register_wh=0 if latest is None else int(latest.export_register_wh[index]),
                import_register_wh=0 if latest is None else int(latest.import_register_wh[index]),
                pv_w=0.0 if latest is None else float(latest.pv_wh[index]) * to_w,
                load_w=0.0 if latest is None else float(latest.load_wh[index]) * to_w,
                import_w=0.0 if latest is None else float(latest.import_wh[index]) * to_w,
                export_w=0.0 if latest is None else float(latest.export_wh[index]) * to_w,
                fault=faults.get(index),
            )
        )
    return views
