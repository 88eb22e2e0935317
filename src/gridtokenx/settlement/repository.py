"""The settlement ledger in PostgreSQL (migration ``0007_settlement``): every trade read, every
signed batch, every claim, and (migration ``0013_order_time_in_force``) every order release.
Each method is one database transaction, and every status change is conditional on the status
it leaves, so two processes (or a retry) can never both move a trade.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gridtokenx.db.connection import Connection, ReconnectingConnection
from gridtokenx.market.wire import ReleaseMessage, TradeMessage
from gridtokenx.settlement.core import (
    BatchStatus,
    PendingTrade,
    TradeStatus,
    batch_transition,
    trade_transition,
)
from gridtokenx.settlement.errors import settlement_store_unavailable


@dataclass(frozen=True, slots=True)
class ReceivedTrade:
    """A decoded trade and where it was read (topic partition and offset)."""

    trade: TradeMessage
    partition: int
    offset: int


@dataclass(frozen=True, slots=True)
class StoredBatch:
    """A batch as recorded: enough to resend its bytes or resolve it from its signature."""

    batch_id: int
    market: str
    signature: str
    signed_transaction: bytes
    last_valid_block_height: int
    trades: tuple[PendingTrade, ...]


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    order: str
    owner: str | None
    status: str
    """``claimed``, ``nothing_to_claim``, ``closed`` or ``failed``."""
    energy: int | None = None
    quote: int | None = None
    signature: str | None = None
    slot: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class PendingRelease:
    """An order the matcher finished unfilled whose escrow is to be returned on chain."""

    market: str
    order: str
    order_offset: int
    owner: str


@dataclass(frozen=True, slots=True)
class ReleaseOutcome:
    status: str
    """``cancelled``, ``closed`` (already closed on chain) or ``failed``."""
    signature: str | None = None
    slot: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Released:
    """What became of a released batch's trades."""

    pending: int
    rejected: int


class SettlementStore:
    def __init__(self, database_url: str) -> None:
        self._db = ReconnectingConnection(database_url, settlement_store_unavailable)

    def close(self) -> None:
        self._db.close()

    # --- intake --------------------------------------------------------------------------------

    def record_trades(self, received: Sequence[ReceivedTrade]) -> int:
        """Store each trade once (as pending); returns how many were new. A trade already
        stored (Kafka redelivers after a crash) is left exactly as it is."""
        if not received:
            return 0
        inserted = 0
        with self._db.transaction() as connection, connection.cursor() as cursor:
            for item in received:
                trade = item.trade
                cursor.execute(
                    """
                    INSERT INTO settlement_trades (market, trade_id, sequence, buy_order,
                        sell_order, buyer, seller, price, quantity, trade_timestamp_ms,
                        source_partition, source_offset, status)
                    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'pending')
                    ON CONFLICT (market, trade_id) DO NOTHING
                    """,
                    (
                        trade.market,
                        trade.trade_id,
                        trade.sequence,
                        trade.buy_order,
                        trade.sell_order,
                        trade.buyer,
                        trade.seller,
                        trade.price,
                        trade.quantity,
                        trade.timestamp_ms,
                        item.partition,
                        item.offset,
                    ),
                )
                inserted += cursor.rowcount
        return inserted

    def record_releases(self, releases: Sequence[ReleaseMessage]) -> int:
        """Store each release once (as pending); returns how many were new."""
        if not releases:
            return 0
        inserted = 0
        with self._db.transaction() as connection, connection.cursor() as cursor:
            for release in releases:
                cursor.execute(
                    """
                    INSERT INTO settlement_releases (market, order_account, order_offset, owner,
                        reason, after_trade_id, command_offset)
                    VALUES (%s, %s, %s, %s, %s, %s, %s)
                    ON CONFLICT (market, order_account, order_offset) DO NOTHING
                    """,
                    (
                        release.market,
                        release.order,
                        release.order_offset,
                        release.owner,
                        release.reason,
                        release.after_trade_id,
                        release.command_offset,
                    ),
                )
                inserted += cursor.rowcount
        return inserted

    # --- releases ------------------------------------------------------------------------------

    def releases_ready(self, limit: int) -> list[PendingRelease]:
        """Pending releases whose order has no trade left to settle: the market's trades up to
        ``after_trade_id`` are all received, and none of them with this order is pending or
        submitted (cancelling first would close the order under its fill)."""
        with self._db.transaction() as connection:
            rows = connection.execute(
                """
                SELECT r.market, r.order_account, r.order_offset, r.owner
                FROM settlement_releases r
                WHERE r.status = 'pending'
                  AND (r.after_trade_id = 0 OR EXISTS (
                        SELECT 1 FROM settlement_trades t
                        WHERE t.market = r.market AND t.trade_id = r.after_trade_id))
                  AND NOT EXISTS (
                        SELECT 1 FROM settlement_trades t
                        WHERE t.market = r.market AND t.trade_id <= r.after_trade_id
                          AND t.status IN ('pending', 'submitted')
                          AND (t.buy_order = r.order_account OR t.sell_order = r.order_account))
                ORDER BY r.received_at, r.command_offset
                LIMIT %s
                """,
                (limit,),
            ).fetchall()
        return [
            PendingRelease(market, order, int(offset), owner)
            for market, order, offset, owner in rows
        ]

    def resolve_release(self, release: PendingRelease, outcome: ReleaseOutcome) -> bool:
        """Record what the cancel did; False if the release was not pending any more."""
        with self._db.transaction() as connection:
            cursor = connection.execute(
                """
                UPDATE settlement_releases
                SET status = %s, signature = %s, slot = %s, error = %s, resolved_at = now()
                WHERE market = %s AND order_account = %s AND order_offset = %s
                  AND status = 'pending'
                """,
                (
                    outcome.status,
                    outcome.signature,
                    outcome.slot,
                    outcome.error,
                    release.market,
                    release.order,
                    release.order_offset,
                ),
            )
            return cursor.rowcount == 1

    # --- batching ------------------------------------------------------------------------------

    def markets_with_pending(self) -> list[str]:
        with self._db.transaction() as connection:
            rows = connection.execute(
                "SELECT DISTINCT market FROM settlement_trades WHERE status = 'pending' "
                "ORDER BY market"
            ).fetchall()
        return [row[0] for row in rows]

    def pending(self, market: str, limit: int) -> tuple[list[PendingTrade], int]:
        """The market's first ``limit`` pending trades by trade_id, and how long (ms) the
        oldest pending one has waited since it was received."""
        with self._db.transaction() as connection:
            rows = connection.execute(
                """
                SELECT trade_id, buy_order, sell_order, price, quantity,
                       (extract(epoch FROM now() - received_at) * 1000)::bigint
                FROM settlement_trades WHERE market = %s AND status = 'pending'
                ORDER BY trade_id LIMIT %s
                """,
                (market, limit),
            ).fetchall()
        trades = [
            PendingTrade(int(trade_id), buy, sell, int(price), int(quantity))
            for trade_id, buy, sell, price, quantity, _ in rows
        ]
        oldest_age_ms = max((int(row[5]) for row in rows), default=0)
        return trades, oldest_age_ms

    def reject(self, market: str, trade_id: int, reason: str) -> bool:
        """A pending trade the chain refuses for good; False if it was not pending."""
        with self._db.transaction() as connection:
            trade_transition(TradeStatus.PENDING, TradeStatus.REJECTED)
            cursor = connection.execute(
                "UPDATE settlement_trades SET status = 'rejected', reason = %s, "
                "updated_at = now() WHERE market = %s AND trade_id = %s AND status = 'pending'",
                (reason, market, trade_id),
            )
            return cursor.rowcount == 1

    def submit_batch(
        self,
        market: str,
        trades: Sequence[PendingTrade],
        signature: str,
        signed_transaction: bytes,
        last_valid_block_height: int,
        order_count: int,
    ) -> StoredBatch | None:
        """Record the signed batch and move its trades to it, all or nothing, BEFORE it is
        sent. None (and nothing recorded) if any of them is no longer pending."""
        trade_transition(TradeStatus.PENDING, TradeStatus.SUBMITTED)
        trade_ids = [trade.trade_id for trade in trades]
        try:
            batch_id = self._insert_batch(
                market,
                trade_ids,
                signature,
                signed_transaction,
                last_valid_block_height,
                order_count,
            )
        except _ConflictError:
            return None
        return StoredBatch(
            batch_id,
            market,
            signature,
            signed_transaction,
            last_valid_block_height,
            tuple(trades),
        )

    def _insert_batch(
        self,
        market: str,
        trade_ids: list[int],
        signature: str,
        signed_transaction: bytes,
        last_valid_block_height: int,
        order_count: int,
    ) -> int:
        with self._db.transaction() as connection:
            row = connection.execute(
                """
                INSERT INTO settlement_batches (market, status, signature, signed_transaction,
                    last_valid_block_height, fill_count, order_count)
                VALUES (%s, 'submitted', %s, %s, %s, %s, %s) RETURNING batch_id
                """,
                (
                    market,
                    signature,
                    signed_transaction,
                    last_valid_block_height,
                    len(trade_ids),
                    order_count,
                ),
            ).fetchone()
            assert row is not None
            batch_id = int(row[0])
            moved = connection.execute(
                """
                UPDATE settlement_trades SET status = 'submitted', batch_id = %s,
                    updated_at = now()
                WHERE market = %s AND trade_id = ANY(%s::numeric[]) AND status = 'pending'
                """,
                (batch_id, market, trade_ids),
            ).rowcount
            if moved != len(trade_ids):
                # Another process took some of them first: record nothing, send nothing.
                raise _ConflictError
        return batch_id

    # --- resolution ----------------------------------------------------------------------------

    def submitted_batches(self) -> list[StoredBatch]:
        """Every batch that may still land, oldest first."""
        with self._db.transaction() as connection:
            batches = connection.execute(
                "SELECT batch_id, market, signature, signed_transaction, last_valid_block_height "
                "FROM settlement_batches WHERE status = 'submitted' ORDER BY batch_id"
            ).fetchall()
            found = []
            for batch_id, market, signature, signed, last_valid in batches:
                found.append(
                    StoredBatch(
                        batch_id,
                        market,
                        signature,
                        bytes(signed),
                        last_valid,
                        self._batch_trades(connection, batch_id),
                    )
                )
        return found

    def settle_batch(self, batch_id: int, slot: int) -> list[float]:
        """The batch landed and succeeded: its trades are settled. Returns each trade's
        seconds from received to settled (empty if the batch was resolved already)."""
        with self._db.transaction() as connection:
            if not self._lock_submitted(connection, batch_id, BatchStatus.SETTLED):
                return []
            signature = connection.execute(
                "UPDATE settlement_batches SET status = 'settled', slot = %s, "
                "resolved_at = now() WHERE batch_id = %s RETURNING signature",
                (slot, batch_id),
            ).fetchone()
            assert signature is not None
            trade_transition(TradeStatus.SUBMITTED, TradeStatus.SETTLED)
            rows = connection.execute(
                """
                UPDATE settlement_trades SET status = 'settled', settled_signature = %s,
                    settled_slot = %s, settled_at = now(), updated_at = now()
                WHERE batch_id = %s AND status = 'submitted'
                RETURNING extract(epoch FROM now() - received_at)::float8
                """,
                (signature[0], slot, batch_id),
            ).fetchall()
        return [float(row[0]) for row in rows]

    def release_batch(
        self,
        batch_id: int,
        status: BatchStatus,
        error: str,
        *,
        max_landed_failures: int,
    ) -> Released:
        """The batch can never apply (``EXPIRED``, or ``FAILED``: landed with an error): its
        trades are pending again. After a landed failure each trade's count grows, and a trade
        that reached ``max_landed_failures`` is rejected instead."""
        with self._db.transaction() as connection:
            if not self._lock_submitted(connection, batch_id, status):
                return Released(0, 0)
            connection.execute(
                "UPDATE settlement_batches SET status = %s, error = %s, resolved_at = now() "
                "WHERE batch_id = %s",
                (status.value, error, batch_id),
            )
            trade_transition(TradeStatus.SUBMITTED, TradeStatus.PENDING)
            failed = 1 if status is BatchStatus.FAILED else 0
            rows = connection.execute(
                """
                UPDATE settlement_trades SET status = 'pending', batch_id = NULL,
                    landed_failures = landed_failures + %s, updated_at = now()
                WHERE batch_id = %s AND status = 'submitted'
                RETURNING market, trade_id, landed_failures
                """,
                (failed, batch_id),
            ).fetchall()
            rejected = 0
            for market, trade_id, failures in rows:
                if failures >= max_landed_failures:
                    connection.execute(
                        "UPDATE settlement_trades SET status = 'rejected', reason = %s "
                        "WHERE market = %s AND trade_id = %s",
                        (f"LandedFailures: {error}"[:500], market, trade_id),
                    )
                    rejected += 1
        return Released(len(rows) - rejected, rejected)

    # --- claims --------------------------------------------------------------------------------

    def batches_to_claim(self) -> list[StoredBatch]:
        """Settled batches whose orders' claims were not all cranked yet, oldest first."""
        with self._db.transaction() as connection:
            batches = connection.execute(
                "SELECT batch_id, market, signature, last_valid_block_height "
                "FROM settlement_batches WHERE status = 'settled' AND NOT claims_done "
                "ORDER BY batch_id"
            ).fetchall()
            return [
                StoredBatch(
                    batch_id,
                    market,
                    signature,
                    b"",
                    last_valid,
                    self._batch_trades(connection, batch_id),
                )
                for batch_id, market, signature, last_valid in batches
            ]

    def record_claims(self, batch_id: int, market: str, claims: Sequence[ClaimRecord]) -> None:
        """The claims cranked for the batch's orders; the batch is done with claims."""
        with self._db.transaction() as connection, connection.cursor() as cursor:
            cursor.executemany(
                """
                INSERT INTO settlement_claims (batch_id, market, order_address, owner, status,
                    energy, quote, signature, slot, reason)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                """,
                [
                    (
                        batch_id,
                        market,
                        claim.order,
                        claim.owner,
                        claim.status,
                        claim.energy,
                        claim.quote,
                        claim.signature,
                        claim.slot,
                        claim.reason,
                    )
                    for claim in claims
                ],
            )
            cursor.execute(
                "UPDATE settlement_batches SET claims_done = true WHERE batch_id = %s",
                (batch_id,),
            )

    # --- reading -------------------------------------------------------------------------------

    def open_work(self, *, claims: bool) -> int:
        """Trades pending or submitted, plus (``claims``) settled batches with claims to crank,
        plus releases not yet cancelled on chain."""
        with self._db.transaction() as connection:
            row = connection.execute(
                """
                SELECT (SELECT count(*) FROM settlement_trades
                        WHERE status IN ('pending', 'submitted'))
                     + (SELECT count(*) FROM settlement_batches
                        WHERE %s AND status = 'settled' AND NOT claims_done)
                     + (SELECT count(*) FROM settlement_releases WHERE status = 'pending')
                """,
                (claims,),
            ).fetchone()
        assert row is not None
        return int(row[0])

    # --- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _lock_submitted(connection: Connection, batch_id: int, new: BatchStatus) -> bool:
        row = connection.execute(
            "SELECT status FROM settlement_batches WHERE batch_id = %s FOR UPDATE", (batch_id,)
        ).fetchone()
        if row is None or row[0] != BatchStatus.SUBMITTED.value:
            return False  # resolved already (by this process before a crash, or another one)
        batch_transition(BatchStatus.SUBMITTED, new)
        return True

    @staticmethod
    def _batch_trades(connection: Connection, batch_id: int) -> tuple[PendingTrade, ...]:
        rows = connection.execute(
            "SELECT trade_id, buy_order, sell_order, price, quantity FROM settlement_trades "
            "WHERE batch_id = %s ORDER BY trade_id",
            (batch_id,),
        ).fetchall()
        return tuple(
            PendingTrade(int(trade_id), buy, sell, int(price), int(quantity))
            for trade_id, buy, sell, price, quantity in rows
        )


class _ConflictError(Exception):
    """Rolls back a batch whose trades were taken meanwhile."""
