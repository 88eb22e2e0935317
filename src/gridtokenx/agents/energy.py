"""A consumer's import from its 15-minute interval aggregates in PostgreSQL (the input of
:mod:`gridtokenx.agents.deficit`).

The agents read the interval aggregates that ingestion writes (``meter_intervals``, migration
0001) rather than the simulator's live view, so they trade on the platform's verified data and
do not need the simulator running. "Latest" is by interval start, i.e. in the meters' own
(simulated) time: an accelerated run's recent hours are the latest intervals even when they lie
in the past. A meter's register is its latest interval's last import reading; its import over its
latest ``n`` intervals is the rise of its register across them, ``max(last_import_wh) -
min(first_import_wh)``, which also counts the energy between two intervals' readings.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from gridtokenx.agents.deficit import ImportReading
from gridtokenx.db.connection import ReconnectingConnection
from gridtokenx.telemetry.errors import postgres_unavailable


class ImportEnergyReader:
    def __init__(self, database_url: str) -> None:
        self._db = ReconnectingConnection(database_url, postgres_unavailable)

    def close(self) -> None:
        self._db.close()

    def imports(
        self, meter_ids: Sequence[uuid.UUID], window_intervals: int
    ) -> dict[uuid.UUID, ImportReading]:
        """Each meter's register and import over its latest ``window_intervals`` intervals;
        meters without intervals are left out. Raises StorageUnavailableError while PostgreSQL
        is out of reach."""
        if not meter_ids:
            return {}
        with self._db.transaction() as connection:
            rows = connection.execute(
                """
                SELECT m.meter_id, max(r.last_import_wh), min(r.first_import_wh)
                FROM unnest(%s::uuid[]) AS m(meter_id)
                CROSS JOIN LATERAL (
                    SELECT first_import_wh, last_import_wh FROM meter_intervals i
                    WHERE i.meter_id = m.meter_id
                    ORDER BY interval_start DESC LIMIT %s
                ) r
                GROUP BY m.meter_id
                """,
                (list(meter_ids), window_intervals),
            ).fetchall()
        return {
            meter_id: ImportReading(int(register), int(register) - int(first))
            for meter_id, register, first in rows
        }
