"""Platform analytics for operators, read from the platform's own tables.

* **Users** by role, and how many are deactivated (``users``, migrations 0008/0010).
* **Meters** by kind and status (``meters``, 0001), and how many are registered on chain
  (``meter_chain_accounts``, 0004).
* **Orders** in the chain mirror by side and status (``chain_orders``, 0006; all time: the
  mirror keeps no placement time).
* **Trades** per market in the window (``settlement_trades``, 0007; by the matcher's trade time):
  count, energy (GXT base units), notional (USDC base units, ``floor(price * quantity / 10**6)``
  per trade, as the Trading program pays each fill) and the fees of the settled ones
  (``floor(notional * fee_bps / 10_000)`` per fill, the program's rule, with the market's
  ``fee_bps`` from its on-chain account; ``null`` when the chain could not be read).
* **Settlement per zone**: trades in the window by status, grouped by the seller's zone (the
  lowest ``zone_id`` among the meters that the seller's wallet owns; ``null``: no meter known);
  ``success_ratio`` = settled / (settled + rejected), ``null`` when neither happened yet.

The CSV export flattens the same document into ``section,key,metric,value`` rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gridtokenx.gateway.database import postgres_transaction
from gridtokenx.gateway.operator_audit_log import csv_text

_TRADES = """
SELECT market, count(*) AS trades, coalesce(sum(quantity), 0) AS energy,
       coalesce(sum(floor(price * quantity / 1000000)), 0) AS notional,
       coalesce(sum(floor(price * quantity / 1000000)) FILTER (WHERE status = 'settled'), 0)
           AS settled_notional,
       count(*) FILTER (WHERE status = 'settled') AS settled
FROM settlement_trades
WHERE trade_timestamp_ms >= :since_ms AND trade_timestamp_ms < :until_ms
GROUP BY market ORDER BY market
"""

_FEES = """
SELECT coalesce(sum(floor(floor(price * quantity / 1000000) * :fee_bps / 10000)), 0)
FROM settlement_trades
WHERE market = :market AND status = 'settled'
  AND trade_timestamp_ms >= :since_ms AND trade_timestamp_ms < :until_ms
"""

_ZONES = """
WITH seller_zone AS (
    SELECT owner_wallet, min(zone_id) AS zone FROM meters
    WHERE owner_wallet IS NOT NULL GROUP BY owner_wallet
)
SELECT z.zone, t.status, count(*) AS trades
FROM settlement_trades t LEFT JOIN seller_zone z ON z.owner_wallet = t.seller
WHERE t.trade_timestamp_ms >= :since_ms AND t.trade_timestamp_ms < :until_ms
GROUP BY z.zone, t.status
"""


async def platform_analytics(
    engine: AsyncEngine,
    fee_bps_of: Mapping[str, int | None],
    *,
    since: datetime,
    until: datetime,
) -> dict[str, Any]:
    """The analytics document for trades in ``[since, until)``; ``fee_bps_of`` gives each
    market's on-chain fee (markets it does not name get ``fees: null``)."""
    window = {
        "since_ms": int(since.timestamp() * 1000),
        "until_ms": int(until.timestamp() * 1000),
    }
    async with postgres_transaction(engine) as connection:
        roles = (
            await connection.execute(
                text(
                    "SELECT role, count(*) AS n, count(deactivated_at) AS deactivated "
                    "FROM users GROUP BY role ORDER BY role"
                )
            )
        ).all()
        meters = (
            await connection.execute(
                text("SELECT kind, status, count(*) AS n FROM meters GROUP BY kind, status")
            )
        ).all()
        on_chain = (
            await connection.execute(text("SELECT count(*) FROM meter_chain_accounts"))
        ).scalar_one()
        orders = (
            await connection.execute(
                text("SELECT side, status, count(*) AS n FROM chain_orders GROUP BY side, status")
            )
        ).all()
        trades = (await connection.execute(text(_TRADES), window)).all()
        markets: list[dict[str, Any]] = []
        for row in trades:
            fee_bps = fee_bps_of.get(row.market)
            fees = None
            if fee_bps is not None:
                fees = (
                    await connection.execute(
                        text(_FEES), {**window, "market": row.market, "fee_bps": fee_bps}
                    )
                ).scalar_one()
            markets.append(
                {
                    "market": row.market,
                    "trades": int(row.trades),
                    "settled": int(row.settled),
                    "energy_gxt_base_units": int(row.energy),
                    "notional_usdc_base_units": int(row.notional),
                    "settled_notional_usdc_base_units": int(row.settled_notional),
                    "fee_bps": fee_bps,
                    "fees_usdc_base_units": None if fees is None else int(fees),
                }
            )
        zone_rows = (await connection.execute(text(_ZONES), window)).all()
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "users": [
            {"role": row.role, "count": int(row.n), "deactivated": int(row.deactivated)}
            for row in roles
        ],
        "meters": {
            "by_kind_and_status": [
                {"kind": int(row.kind), "status": int(row.status), "count": int(row.n)}
                for row in meters
            ],
            "registered_on_chain": int(on_chain),
        },
        "orders": [{"side": row.side, "status": row.status, "count": int(row.n)} for row in orders],
        "markets": markets,
        "settlement_by_zone": _zones(zone_rows),
    }


def _zones(rows: Any) -> list[dict[str, Any]]:
    zones: dict[int | None, dict[str, int]] = {}
    for row in rows:
        counts = zones.setdefault(row.zone, {})
        counts[row.status] = int(row.trades)
    answer: list[dict[str, Any]] = []
    for zone in sorted(zones, key=lambda z: (z is None, z or 0)):
        counts = zones[zone]
        settled, rejected = counts.get("settled", 0), counts.get("rejected", 0)
        answer.append(
            {
                "zone": zone,
                "pending": counts.get("pending", 0),
                "submitted": counts.get("submitted", 0),
                "settled": settled,
                "rejected": rejected,
                "success_ratio": None
                if settled + rejected == 0
                else round(settled / (settled + rejected), 4),
            }
        )
    return answer


def analytics_csv(document: Mapping[str, Any]) -> str:
    rows: list[tuple[object, ...]] = [
        ("window", "", "since", document["since"]),
        ("window", "", "until", document["until"]),
    ]
    for entry in document["users"]:
        rows.append(("users", entry["role"], "count", entry["count"]))
        rows.append(("users", entry["role"], "deactivated", entry["deactivated"]))
    for entry in document["meters"]["by_kind_and_status"]:
        key = f"kind={entry['kind']};status={entry['status']}"
        rows.append(("meters", key, "count", entry["count"]))
    rows.append(("meters", "", "registered_on_chain", document["meters"]["registered_on_chain"]))
    for entry in document["orders"]:
        key = f"side={entry['side']};status={entry['status']}"
        rows.append(("orders", key, "count", entry["count"]))
    for market in document["markets"]:
        for metric, value in market.items():
            if metric != "market":
                rows.append(("markets", market["market"], metric, "" if value is None else value))
    for zone in document["settlement_by_zone"]:
        key = "" if zone["zone"] is None else zone["zone"]
        for metric, value in zone.items():
            if metric != "zone":
                rows.append(("settlement_by_zone", key, metric, "" if value is None else value))
    return csv_text(("section", "key", "metric", "value"), rows)
