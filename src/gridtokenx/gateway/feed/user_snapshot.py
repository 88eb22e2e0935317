"""The ``user`` channel's snapshot, from PostgreSQL through the repositories of ``/v1/me/*``
(no query of its own): the account's open orders (the indexer's ``chain_orders`` mirror), its
newest fills and settlements (the settlement service's tables) and the newest mints of its
meters (``mint_submissions``), at most ``market_data.user_snapshot_rows`` of each, newest first::

    {"orders": [OrderRecord...], "fills": [FillRecord...],
     "settlements": [SettlementRecord...], "mints": [MintRow + "meter_id"...]}

Records are the repositories' dataclasses as JSON (times ISO 8601, amounts integers in base
units: see :mod:`gridtokenx.gateway.order_repository` and
:mod:`gridtokenx.gateway.energy_repository`).
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from pydantic_core import to_jsonable_python

from gridtokenx.gateway.context import GatewayContext


def _json(record: object, **extra: object) -> dict[str, Any]:
    value: dict[str, Any] = to_jsonable_python({**dataclasses.asdict(record), **extra})  # type: ignore[call-overload]
    return value


async def user_snapshot(context: GatewayContext, user_id: uuid.UUID) -> dict[str, Any]:
    rows = context.settings.market_data.user_snapshot_rows
    wallets = [wallet.address for wallet in await context.accounts.wallets(user_id)]
    records = context.order_records
    orders = await records.orders(wallets, status="open", after=None, limit=rows)
    fills = await records.fills(wallets, after=None, limit=rows)
    settlements = await records.settlements(wallets, after=None, limit=rows)
    mints: list[dict[str, Any]] = []
    for meter in await context.energy.repository.meters_of_owners(wallets):
        mints += [
            _json(mint, meter_id=str(meter.meter_id))
            for mint in await context.energy.repository.mints(meter.meter_id, None, rows)
        ]
    mints.sort(key=lambda mint: (mint["created_at"], mint["submission_id"]), reverse=True)
    return {
        "orders": [_json(order) for order in orders],
        "fills": [_json(fill) for fill in fills],
        "settlements": [_json(settlement) for settlement in settlements],
        "mints": mints[:rows],
    }
