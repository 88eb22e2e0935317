"""PostgreSQL side of ingestion: meters, watermarks, interval rows and applied offsets.

:meth:`TelemetryRepository.apply` writes a whole batch in one transaction — intervals,
watermarks, rejection counts and the Kafka offsets after the batch — so PostgreSQL holds each
batch exactly once and the service resumes from the offsets stored here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from gridtokenx.db.connection import ReconnectingConnection
from gridtokenx.telemetry.errors import postgres_unavailable
from gridtokenx.telemetry.intervals import IntervalArrays
from gridtokenx.telemetry.validation import MeterProfile, Watermark

_ACTIVE = 1


@dataclass(frozen=True)
class LatestReadings:
    """The newest accepted reading of each meter in a batch, as columns (ids as text)."""

    meter_ids: list[str]
    timestamp_ms: list[int]
    export_wh: list[int]
    import_wh: list[int]
    signatures: list[bytes]


@dataclass
class AppliedBatch:
    topic: str
    consumer_group: str
    next_offsets: dict[int, int]
    meter_ids: Sequence[str] = ()
    """Meter id (as text) of each slot that ``intervals`` names."""
    intervals: IntervalArrays | None = None
    latest: LatestReadings | None = None
    rejection_counts: dict[str, int] = field(default_factory=dict)


def _text_array(values: Iterable[object]) -> str:
    """An array parameter as ``string_to_array`` reads it (values without commas)."""
    return ",".join(map(str, values))


class TelemetryRepository:
    def __init__(self, database_url: str) -> None:
        self._db = ReconnectingConnection(database_url, postgres_unavailable)

    def close(self) -> None:
        self._db.close()

    def commission_meter(
        self,
        meter_id: uuid.UUID,
        *,
        kind: int,
        device_pubkey: bytes,
        max_export_w: int,
        max_import_w: int,
        commissioned_at_ms: int,
        zone_id: int = 0,
        owner_wallet: str | None = None,
    ) -> None:
        """Record a meter with zero registers at ``commissioned_at_ms`` (idempotent)."""
        with self._db.transaction() as connection:
            connection.execute(
                """
                INSERT INTO meters (meter_id, kind, device_pubkey, owner_wallet, zone_id,
                                    max_export_w, max_import_w)
                VALUES (%s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT (meter_id) DO NOTHING
                """,
                (meter_id, kind, device_pubkey, owner_wallet, zone_id, max_export_w, max_import_w),
            )
            connection.execute(
                """
                INSERT INTO meter_watermarks (meter_id, timestamp_ms, export_wh, import_wh)
                VALUES (%s, %s, 0, 0)
                ON CONFLICT (meter_id) DO NOTHING
                """,
                (meter_id, commissioned_at_ms),
            )

    def load_meters(
        self, meter_ids: Iterable[uuid.UUID] | None = None
    ) -> tuple[dict[uuid.UUID, MeterProfile], dict[uuid.UUID, Watermark]]:
        """Profiles and watermarks of the given meters (all meters when None)."""
        query = """
            SELECT m.meter_id, m.device_pubkey, m.max_export_w, m.max_import_w, m.status,
                   w.timestamp_ms, w.export_wh, w.import_wh
            FROM meters m JOIN meter_watermarks w USING (meter_id)
        """
        with self._db.transaction() as connection:
            if meter_ids is None:
                rows = connection.execute(query).fetchall()
            else:
                rows = connection.execute(
                    query + " WHERE m.meter_id = ANY(%s)", (list(meter_ids),)
                ).fetchall()
        profiles: dict[uuid.UUID, MeterProfile] = {}
        watermarks: dict[uuid.UUID, Watermark] = {}
        for meter_id, key, max_export_w, max_import_w, status, ts, export_wh, import_wh in rows:
            profiles[meter_id] = MeterProfile(
                bytes(key), max_export_w, max_import_w, status == _ACTIVE
            )
            watermarks[meter_id] = Watermark(ts, export_wh, import_wh)
        return profiles, watermarks

    def load_profiles(
        self, meter_ids: Iterable[uuid.UUID] | None = None
    ) -> dict[uuid.UUID, MeterProfile]:
        """The current profiles of the given meters (all meters when None), without watermarks:
        what may change while ingestion runs (a rotated device key, limits, status)."""
        query = "SELECT meter_id, device_pubkey, max_export_w, max_import_w, status FROM meters"
        with self._db.transaction() as connection:
            if meter_ids is None:
                rows = connection.execute(query).fetchall()
            else:
                rows = connection.execute(
                    query + " WHERE meter_id = ANY(%s)", (list(meter_ids),)
                ).fetchall()
        return {
            meter_id: MeterProfile(bytes(key), max_export_w, max_import_w, status == _ACTIVE)
            for meter_id, key, max_export_w, max_import_w, status in rows
        }

    def load_offsets(self, consumer_group: str, topic: str) -> dict[int, int]:
        with self._db.transaction() as connection:
            rows = connection.execute(
                "SELECT partition, next_offset FROM ingest_offsets "
                "WHERE consumer_group = %s AND topic = %s",
                (consumer_group, topic),
            ).fetchall()
        return dict(rows)

    def apply(self, batch: AppliedBatch) -> None:
        with self._db.transaction() as connection, connection.cursor() as cursor:
            # One statement per table over arrays: per-row statements cost ~50 us a row. Each
            # array is sent as one comma-separated text (psycopg adapts lists element by element).
            intervals = batch.intervals
            if intervals is not None and len(intervals.meters):
                cursor.execute(
                    """
                    INSERT INTO meter_intervals AS i
                    SELECT meter_id, to_timestamp(start_ms / 1000), first_ts, last_ts,
                           first_export, last_export, first_import, last_import
                    FROM unnest(
                        string_to_array(%s, ',')::uuid[], string_to_array(%s, ',')::bigint[],
                        string_to_array(%s, ',')::bigint[], string_to_array(%s, ',')::bigint[],
                        string_to_array(%s, ',')::bigint[], string_to_array(%s, ',')::bigint[],
                        string_to_array(%s, ',')::bigint[], string_to_array(%s, ',')::bigint[]
                    ) AS u(meter_id, start_ms, first_ts, last_ts, first_export, last_export,
                             first_import, last_import)
                    ON CONFLICT (meter_id, interval_start) DO UPDATE SET
                        first_timestamp_ms = LEAST(i.first_timestamp_ms,
                                                   EXCLUDED.first_timestamp_ms),
                        last_timestamp_ms = GREATEST(i.last_timestamp_ms,
                                                     EXCLUDED.last_timestamp_ms),
                        first_export_wh = LEAST(i.first_export_wh, EXCLUDED.first_export_wh),
                        last_export_wh = GREATEST(i.last_export_wh, EXCLUDED.last_export_wh),
                        first_import_wh = LEAST(i.first_import_wh, EXCLUDED.first_import_wh),
                        last_import_wh = GREATEST(i.last_import_wh, EXCLUDED.last_import_wh)
                    """,
                    (
                        _text_array(batch.meter_ids[m] for m in intervals.meters.tolist()),
                        *(
                            _text_array(column.tolist())
                            for column in (
                                intervals.interval_start_ms,
                                intervals.first_timestamp_ms,
                                intervals.last_timestamp_ms,
                                intervals.first_export_wh,
                                intervals.last_export_wh,
                                intervals.first_import_wh,
                                intervals.last_import_wh,
                            )
                        ),
                    ),
                )
            latest = batch.latest
            if latest is not None and latest.meter_ids:
                cursor.execute(
                    """
                    UPDATE meter_watermarks AS w SET timestamp_ms = u.timestamp_ms,
                        export_wh = u.export_wh, import_wh = u.import_wh,
                        signature = decode(u.signature, 'hex'), updated_at = now()
                    FROM unnest(
                        string_to_array(%s, ',')::uuid[], string_to_array(%s, ',')::bigint[],
                        string_to_array(%s, ',')::bigint[], string_to_array(%s, ',')::bigint[],
                        string_to_array(%s, ',')
                    ) AS u(meter_id, timestamp_ms, export_wh, import_wh, signature)
                    WHERE w.meter_id = u.meter_id AND w.timestamp_ms < u.timestamp_ms
                    """,
                    (
                        _text_array(latest.meter_ids),
                        _text_array(latest.timestamp_ms),
                        _text_array(latest.export_wh),
                        _text_array(latest.import_wh),
                        _text_array(signature.hex() for signature in latest.signatures),
                    ),
                )
            cursor.executemany(
                """
                    INSERT INTO ingest_rejections AS r VALUES (%s, %s)
                    ON CONFLICT (reason) DO UPDATE SET count = r.count + EXCLUDED.count
                    """,
                list(batch.rejection_counts.items()),
            )
            cursor.executemany(
                """
                    INSERT INTO ingest_offsets AS o VALUES (%s, %s, %s, %s)
                    ON CONFLICT (consumer_group, topic, partition)
                    DO UPDATE SET next_offset = EXCLUDED.next_offset
                    """,
                [
                    (batch.consumer_group, batch.topic, partition, offset)
                    for partition, offset in batch.next_offsets.items()
                ],
            )

    def rejection_counts(self) -> Mapping[str, int]:
        with self._db.transaction() as connection:
            rows = connection.execute("SELECT reason, count FROM ingest_rejections").fetchall()
        return dict(rows)
