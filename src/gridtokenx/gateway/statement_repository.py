"""A user's month in PostgreSQL, read for a statement in one read-only snapshot.

* the account (``users``) and its linked wallets (``wallets``, migration 0008);
* the zone of its meters (``meters.zone_id``, owned by one of the wallets through
  ``meters.owner_wallet`` or ``meter_chain_accounts.owner_wallet``): the lowest one, ``None``
  without a meter;
* every side of a trade one of the wallets made in the month (``settlement_trades``, migration
  0007, written by the settlement service from the matcher's ``trades`` topic; the wallets are
  the owners of the trade's orders, as the chain indexer mirrors them in ``chain_orders``), by
  trade time, except ``rejected`` ones (the chain refused them; nothing moved). A trade between
  two wallets of the same account gives two lines (a buy and a sell). A settled side carries
  the signature of the ``claim`` the settlement service cranked for its order after its batch
  (``settlement_claims`` with status ``claimed``), the transaction that paid it out;
* every confirmed mint of the wallets' meters in the month (``mint_submissions`` with
  ``meter_chain_accounts``, migration 0004), by reading time, with a positive ``minted_wh``.

The wallets are those linked now: a wallet unlinked during the month drops out of its statement.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gridtokenx.gateway.database import postgres_transaction
from gridtokenx.statements import FillLine, MintLine

_SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"

_USER = "SELECT id FROM users WHERE id = :user_id"
_WALLETS = "SELECT address FROM wallets WHERE user_id = :user_id ORDER BY address"
_ZONE = """
SELECT min(m.zone_id) AS zone_id
FROM meters m LEFT JOIN meter_chain_accounts a USING (meter_id)
WHERE m.owner_wallet = ANY(:wallets) OR a.owner_wallet = ANY(:wallets)
"""
_FILLS = """
WITH sides AS (
    SELECT market, trade_id, 'buy' AS side, buy_order AS order_address, buyer AS wallet, price,
           quantity, trade_timestamp_ms, status, batch_id, settled_signature, settled_slot
    FROM settlement_trades
    WHERE buyer = ANY(:wallets) AND status <> 'rejected'
      AND trade_timestamp_ms >= :start_ms AND trade_timestamp_ms < :end_ms
    UNION ALL
    SELECT market, trade_id, 'sell', sell_order, seller, price, quantity, trade_timestamp_ms,
           status, batch_id, settled_signature, settled_slot
    FROM settlement_trades
    WHERE seller = ANY(:wallets) AND status <> 'rejected'
      AND trade_timestamp_ms >= :start_ms AND trade_timestamp_ms < :end_ms
)
SELECT s.*,
       (SELECT c.signature FROM settlement_claims c
        WHERE c.batch_id = s.batch_id AND c.order_address = s.order_address
          AND c.status = 'claimed' AND s.status = 'settled'
        ORDER BY c.claim_id LIMIT 1) AS claim_signature
FROM sides s
"""
_MINTS = """
SELECT s.meter_id, a.owner_wallet, s.minted_wh, s.timestamp_ms, s.tx_signature
FROM mint_submissions s JOIN meter_chain_accounts a USING (meter_id)
WHERE a.owner_wallet = ANY(:wallets) AND s.status = 'confirmed' AND s.minted_wh > 0
  AND s.timestamp_ms >= :start_ms AND s.timestamp_ms < :end_ms
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthRecords:
    wallets: list[str]
    zone_id: int | None
    fills: list[FillLine]
    mints: list[MintLine]


class StatementRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def month(self, user_id: uuid.UUID, *, start_ms: int, end_ms: int) -> MonthRecords | None:
        """The user's records in ``[start_ms, end_ms)``; ``None`` if there is no such user."""
        async with postgres_transaction(self._engine) as connection:
            await connection.execute(text(_SNAPSHOT))
            found = (await connection.execute(text(_USER), {"user_id": user_id})).first()
            if found is None:
                return None
            rows = await connection.execute(text(_WALLETS), {"user_id": user_id})
            wallets = [row.address for row in rows]
            window = {"wallets": wallets, "start_ms": start_ms, "end_ms": end_ms}
            zone = (await connection.execute(text(_ZONE), {"wallets": wallets})).scalar()
            fills = (await connection.execute(text(_FILLS), window)).all()
            mints = (await connection.execute(text(_MINTS), window)).all()
        return MonthRecords(
            wallets=wallets,
            zone_id=None if zone is None else int(zone),
            fills=[
                FillLine(
                    market=row.market,
                    trade_id=int(row.trade_id),
                    side=row.side,
                    order=row.order_address,
                    wallet=row.wallet,
                    price_per_kwh=int(row.price),
                    quantity=int(row.quantity),
                    timestamp_ms=int(row.trade_timestamp_ms),
                    status=row.status,
                    settlement_signature=row.settled_signature,
                    settled_slot=None if row.settled_slot is None else int(row.settled_slot),
                    claim_signature=row.claim_signature,
                )
                for row in fills
            ],
            mints=[
                MintLine(
                    meter_id=str(row.meter_id),
                    wallet=row.owner_wallet,
                    minted_wh=int(row.minted_wh),
                    timestamp_ms=int(row.timestamp_ms),
                    signature=row.tx_signature,
                )
                for row in mints
            ],
        )
