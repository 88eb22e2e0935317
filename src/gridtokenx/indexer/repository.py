"""The order mirror and the indexer's cursor in PostgreSQL (tables of migration
``0006_order_mirror``; ``time_in_force`` from ``0013_order_time_in_force``).

A batch's rows and the cursor past its last transaction are written in one database
transaction, after the Kafka transaction of the batch's commands committed: the cursor never
runs ahead of the commands, and the mirror never lags the cursor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from gridtokenx.chain.trading.accounts import TimeInForce
from gridtokenx.db.connection import Connection, ReconnectingConnection
from gridtokenx.indexer.errors import MirrorUnavailableError
from gridtokenx.indexer.mirror import OrderRow, OrderStatus
from gridtokenx.market.orders import Side

_COLUMNS: Final = (
    "order_account",
    "market",
    "owner",
    "order_id",
    "side",
    "price",
    "quantity",
    "expiry_s",
    "filled",
    "escrow",
    "claimable_energy",
    "claimable_quote",
    "status",
    "placed_signature",
    "placed_slot",
    "updated_slot",
    "updated_signature",
    "closed_signature",
    "time_in_force",
)
# Built from the constant column names above only.
_SELECT: Final = f"SELECT {', '.join(_COLUMNS)} FROM chain_orders"  # noqa: S608
_UPSERT: Final = (
    f"INSERT INTO chain_orders ({', '.join(_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(_COLUMNS))}) "
    "ON CONFLICT (order_account) DO UPDATE SET "
    + ", ".join(f"{column} = EXCLUDED.{column}" for column in _COLUMNS[1:])
    + ", updated_at = now()"
)


@dataclass(frozen=True, slots=True)
class Cursor:
    """The last transaction fully processed: its commands committed to Kafka, its rows written."""

    signature: str
    slot: int
    timestamp_ms: int
    """The market clock handed out last (commands never go back before it)."""


def _params(row: OrderRow) -> tuple[object, ...]:
    return (
        row.order,
        row.market,
        row.owner,
        row.order_id,
        row.side.value,
        row.price,
        row.quantity,
        row.expiry_s,
        row.filled,
        row.escrow,
        row.claimable_energy,
        row.claimable_quote,
        row.status.value,
        row.placed_signature,
        row.placed_slot,
        row.updated_slot,
        row.updated_signature,
        row.closed_signature,
        row.time_in_force.label,
    )


def _row(values: Sequence[Any]) -> OrderRow:
    def number(value: int | Decimal) -> int:
        return int(value)

    return OrderRow(
        order=values[0],
        market=values[1],
        owner=values[2],
        order_id=number(values[3]),
        side=Side(values[4]),
        price=number(values[5]),
        quantity=number(values[6]),
        expiry_s=values[7],
        filled=number(values[8]),
        escrow=number(values[9]),
        claimable_energy=number(values[10]),
        claimable_quote=number(values[11]),
        status=OrderStatus(values[12]),
        placed_signature=values[13],
        placed_slot=values[14],
        updated_slot=values[15],
        updated_signature=values[16],
        closed_signature=values[17],
        time_in_force=TimeInForce.from_label(values[18]),
    )


class OrderMirror:
    """The mirror of one program's orders and its cursor."""

    def __init__(self, database_url: str, program: str) -> None:
        self._db = ReconnectingConnection(database_url, _unavailable)
        self.program = program

    def close(self) -> None:
        self._db.close()

    def cursor(self) -> Cursor | None:
        with self._db.transaction() as connection:
            found = connection.execute(
                "SELECT last_signature, last_slot, last_timestamp_ms FROM indexer_cursors "
                "WHERE program = %s",
                (self.program,),
            ).fetchone()
        return None if found is None else Cursor(*found)

    def rows(self, orders: Iterable[str]) -> dict[str, OrderRow]:
        wanted = sorted(set(orders))
        if not wanted:
            return {}
        with self._db.transaction() as connection:
            found = connection.execute(
                f"{_SELECT} WHERE order_account = ANY(%s)", (wanted,)
            ).fetchall()
        return {row.order: row for row in map(_row, found)}

    def live_rows(self) -> dict[str, OrderRow]:
        """Every ``open`` or ``filled`` row (all markets)."""
        with self._db.transaction() as connection:
            found = connection.execute(f"{_SELECT} WHERE status IN ('open', 'filled')").fetchall()
        return {row.order: row for row in map(_row, found)}

    def all_rows(self) -> list[OrderRow]:
        with self._db.transaction() as connection:
            found = connection.execute(f"{_SELECT} ORDER BY order_account").fetchall()
        return [_row(values) for values in found]

    def commit(self, rows: Sequence[OrderRow], cursor: Cursor | None) -> None:
        """Write ``rows`` and (if given) move the cursor, in one transaction."""
        with self._db.transaction() as connection:
            self._upsert(connection, rows)
            if cursor is not None:
                connection.execute(
                    "INSERT INTO indexer_cursors "
                    "(program, last_signature, last_slot, last_timestamp_ms) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT (program) DO UPDATE SET "
                    "last_signature = EXCLUDED.last_signature, last_slot = EXCLUDED.last_slot, "
                    "last_timestamp_ms = EXCLUDED.last_timestamp_ms, updated_at = now()",
                    (self.program, cursor.signature, cursor.slot, cursor.timestamp_ms),
                )

    @staticmethod
    def _upsert(connection: Connection, rows: Sequence[OrderRow]) -> None:
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(_UPSERT, [_params(row) for row in rows])


def _unavailable(detail: str) -> MirrorUnavailableError:
    return MirrorUnavailableError(
        f"PostgreSQL unavailable for the order mirror: {detail}; the indexer retries from its "
        "cursor (check `gridtokenx stack status`)"
    )
