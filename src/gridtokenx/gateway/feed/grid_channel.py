"""The public ``grid`` channel's document (pure): per-zone flows of the newest complete
15-minute interval and the trades matched in it between zones.

It is the same view as ``GET /v1/grid/zones/live`` and follows the same privacy rules
(:mod:`gridtokenx.gateway.grid_view`): a zone with fewer than ``MIN_ZONE_METERS`` reporting
meters has its flows withheld (``null``), and a pair of zones is shown only when at least
``MIN_ZONE_METERS`` distinct wallets traded across it. Nothing names a meter, wallet or user::

    {"interval_start_ms": int | null, "interval_s": 900, "min_zone_meters": 3,
     "zones": [{"zone_id", "meter_count", "production_wh", "consumption_wh",
                "net_export_wh"}, ...],
     "inter_zone_trades": [{"from_zone", "to_zone", "trade_count", "quantity"}, ...]}

Energy in Wh, ``quantity`` in GXT base units; zones by id, pairs by (from, to).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from gridtokenx.gateway.energy_repository import INTERVAL_S, ZoneFlow, ZoneTrades
from gridtokenx.gateway.grid_view import MIN_ZONE_METERS, zone_live


def grid_document(
    interval_start: datetime | None, flows: Sequence[ZoneFlow], trades: Sequence[ZoneTrades]
) -> dict[str, Any]:
    """The channel's data for one interval (``None``: no complete interval in the last day)."""
    zones = [
        zone_live(flow.zone_id, flow.meter_count, flow.production_wh, flow.consumption_wh)
        for flow in sorted(flows, key=lambda flow: flow.zone_id)
    ]
    return {
        "interval_start_ms": (
            None if interval_start is None else int(interval_start.timestamp() * 1000)
        ),
        "interval_s": INTERVAL_S,
        "min_zone_meters": MIN_ZONE_METERS,
        "zones": [
            {
                "zone_id": zone.zone_id,
                "meter_count": zone.meter_count,
                "production_wh": zone.production_wh,
                "consumption_wh": zone.consumption_wh,
                "net_export_wh": zone.net_export_wh,
            }
            for zone in zones
        ],
        "inter_zone_trades": [
            {
                "from_zone": pair.from_zone,
                "to_zone": pair.to_zone,
                "trade_count": pair.trade_count,
                "quantity": pair.quantity,
            }
            for pair in sorted(trades, key=lambda pair: (pair.from_zone, pair.to_zone))
            if pair.traders >= MIN_ZONE_METERS
        ],
    }
