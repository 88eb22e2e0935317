"""Checkpoints of the matching service in PostgreSQL (tables of migration ``0005_market``).

A checkpoint is every market of one ``order-commands`` partition, as of the moment everything
before ``next_offset`` was applied. The service writes one only after the Kafka transaction that
committed ``next_offset``, so a checkpoint is never ahead of the published trades; the newest
``keep`` checkpoints of a partition are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from psycopg.types.json import Jsonb

from gridtokenx.db.connection import ReconnectingConnection
from gridtokenx.market.errors import SnapshotError
from gridtokenx.market.service_errors import SnapshotStoreError
from gridtokenx.market.session import MarketSession


class Checkpoint(NamedTuple):
    next_offset: int
    """The first ``order-commands`` offset of the partition that the sessions have not applied."""
    sessions: dict[str, MarketSession]


class SnapshotStore:
    """One consumer group's checkpoints of one input topic."""

    def __init__(self, database_url: str, consumer_group: str, topic: str, keep: int) -> None:
        self._db = ReconnectingConnection(database_url, _unavailable)
        self._scope = (consumer_group, topic)
        self._keep = keep

    def close(self) -> None:
        self._db.close()

    def latest(self, partition: int) -> Checkpoint | None:
        """The newest checkpoint of ``partition``, or ``None`` if it has none."""
        with self._db.transaction() as connection:
            head = connection.execute(
                "SELECT checkpoint_id, next_offset FROM matcher_checkpoints "
                "WHERE consumer_group = %s AND topic = %s AND partition = %s "
                "ORDER BY next_offset DESC LIMIT 1",
                (*self._scope, partition),
            ).fetchone()
            if head is None:
                return None
            checkpoint_id, next_offset = head
            rows = connection.execute(
                "SELECT market, state FROM market_snapshots WHERE checkpoint_id = %s",
                (checkpoint_id,),
            ).fetchall()
        sessions: dict[str, MarketSession] = {}
        for market, state in rows:
            try:
                sessions[market] = MarketSession.restore(state)
            except SnapshotError as exc:
                raise SnapshotError(
                    f"checkpoint {checkpoint_id} (partition {partition}), market {market}: {exc}"
                ) from exc
        return Checkpoint(next_offset, sessions)

    def save(self, partition: int, next_offset: int, sessions: Mapping[str, MarketSession]) -> None:
        """Store a checkpoint (a second one at the same offset is ignored: it is the same state)
        and drop all but the newest ``keep`` of the partition."""
        with self._db.transaction() as connection:
            row = connection.execute(
                "INSERT INTO matcher_checkpoints "
                "(consumer_group, topic, partition, next_offset, market_count) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING checkpoint_id",
                (*self._scope, partition, next_offset, len(sessions)),
            ).fetchone()
            if row is None:
                return
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO market_snapshots "
                    "(checkpoint_id, market, last_sequence, state) VALUES (%s, %s, %s, %s)",
                    [
                        (
                            row[0],
                            market,
                            session.engine.last_sequence,
                            Jsonb(session.snapshot()),
                        )
                        for market, session in sessions.items()
                    ],
                )
            connection.execute(
                "DELETE FROM matcher_checkpoints WHERE consumer_group = %s AND topic = %s "
                "AND partition = %s AND checkpoint_id NOT IN (SELECT checkpoint_id FROM "
                "matcher_checkpoints WHERE consumer_group = %s AND topic = %s AND "
                "partition = %s ORDER BY next_offset DESC LIMIT %s)",
                (*self._scope, partition, *self._scope, partition, self._keep),
            )


def _unavailable(detail: str) -> SnapshotStoreError:
    return SnapshotStoreError(f"PostgreSQL unavailable for snapshots: {detail}")
