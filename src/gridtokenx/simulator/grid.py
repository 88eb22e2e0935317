"""Grid status: what the fleet draws and feeds per zone, feeder and in total (pure).

Power is each tick's average in W; energy is counted since the run started, in whole Wh
(imports and exports are sums of the meters' registers, PV and load of the metered flows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gridtokenx.simulator.fleet import Fleet, FleetMeasurement

_MS_PER_HOUR = 3_600_000


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowTotals:
    pv_w: float
    load_w: float
    import_w: float
    export_w: float
    pv_wh: int
    load_wh: int
    import_wh: int
    export_wh: int


@dataclass(frozen=True, slots=True, kw_only=True)
class GridStatus:
    timestamp_ms: int
    total: FlowTotals
    zones: list[FlowTotals]
    """Zone ``z`` at index ``z``."""
    feeders: list[FlowTotals]
    """Feeder ``f`` at index ``f``."""
    zone_feeder: list[int]
    """The feeder of each zone."""
    feeder_substation: list[int]
    """The substation of each feeder."""


class GridLedger:
    """Accumulates a fleet's flows tick by tick and sums them over the grid."""

    def __init__(self, fleet: Fleet) -> None:
        self._meter_zone = fleet.topology.meter_zone
        self._zone_feeder = fleet.topology.zone_feeder
        self._zone_count = fleet.topology.zone_feeder.size
        self._feeder_count = fleet.topology.feeder_substation.size
        self._feeder_substation = fleet.topology.feeder_substation
        count = fleet.config.meter_count
        self.pv_total_wh = np.zeros(count)
        self.load_total_wh = np.zeros(count)
        self.latest: FleetMeasurement | None = None

    def add(self, measurement: FleetMeasurement) -> None:
        self.pv_total_wh += measurement.pv_wh
        self.load_total_wh += measurement.load_wh
        self.latest = measurement

    def status(self) -> GridStatus | None:
        """Totals after the latest tick, or None before the first."""
        latest = self.latest
        if latest is None:
            return None
        to_w = _MS_PER_HOUR / latest.interval_ms
        columns = np.stack(
            [
                latest.pv_wh * to_w,
                latest.load_wh * to_w,
                latest.import_wh * to_w,
                latest.export_wh * to_w,
                self.pv_total_wh,
                self.load_total_wh,
                latest.import_register_wh.astype(np.float64),
                latest.export_register_wh.astype(np.float64),
            ]
        )
        zones = _sum_by(columns, self._meter_zone, self._zone_count)
        feeders = _sum_by(zones, self._zone_feeder, self._feeder_count)
        return GridStatus(
            timestamp_ms=latest.timestamp_ms,
            total=_totals(columns.sum(axis=1)),
            zones=[_totals(zones[:, z]) for z in range(self._zone_count)],
            feeders=[_totals(feeders[:, f]) for f in range(self._feeder_count)],
            zone_feeder=self._zone_feeder.tolist(),
            feeder_substation=self._feeder_substation.tolist(),
        )


def _sum_by(
    columns: npt.NDArray[np.float64], group: npt.NDArray[np.int32], groups: int
) -> npt.NDArray[np.float64]:
    return np.stack([np.bincount(group, weights=row, minlength=groups) for row in columns])


def _totals(values: npt.NDArray[np.float64]) -> FlowTotals:
    pv_w, load_w, import_w, export_w, pv_wh, load_wh, import_wh, export_wh = values.tolist()
    return FlowTotals(
        pv_w=pv_w,
        load_w=load_w,
        import_w=import_w,
        export_w=export_w,
        pv_wh=round(pv_wh),
        load_wh=round(load_wh),
        import_wh=round(import_wh),
        export_wh=round(export_wh),
    )
