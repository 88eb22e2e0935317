"""A meter's readings from InfluxDB, downsampled by the server (InfluxQL ``GROUP BY time``).

:func:`plan_resolution` (pure) picks the bucket width: the one asked for, coarsened so that a
range never yields more than ``max_points`` buckets. Each bucket answers the last registers in
it (registers are cumulative, so the difference of two buckets is the energy between them).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from gridtokenx.config import InfluxSettings
from gridtokenx.gateway.errors import UnavailableError
from gridtokenx.stack.services.influxdb import READINGS_RETENTION_POLICY
from gridtokenx.telemetry.influx_writer import MEASUREMENT

MIN_RESOLUTION_S = 1


def plan_resolution(span_ms: int, requested_s: int | None, max_points: int) -> int:
    """The bucket width in whole seconds: at least ``requested_s`` (the finest that keeps the
    range within ``max_points`` buckets when None) and never finer than that bound allows."""
    if span_ms <= 0 or max_points < 1:
        raise ValueError(f"span_ms={span_ms} and max_points={max_points} must be positive")
    floor_s = max(MIN_RESOLUTION_S, -(-span_ms // (1000 * max_points)))
    return max(floor_s, requested_s or MIN_RESOLUTION_S)


@dataclass(frozen=True, slots=True)
class ReadingBucket:
    start_ms: int
    export_wh: int
    import_wh: int


def readings_query(meter_id: uuid.UUID, start_ms: int, end_ms: int, resolution_s: int) -> str:
    """The InfluxQL statement (``meter_id`` is a parsed UUID, so its text cannot inject)."""
    # Every interpolated value is a UUID, an int or a module constant.
    return (
        'SELECT last("export_wh") AS export_wh, last("import_wh") AS import_wh '  # noqa: S608
        f'FROM "{READINGS_RETENTION_POLICY}"."{MEASUREMENT}" '
        f"WHERE \"meter\" = '{meter_id}' AND time >= {start_ms}ms AND time < {end_ms}ms "
        f"GROUP BY time({resolution_s}s) fill(none)"
    )


class ReadingsStore:
    """One HTTP connection pool to InfluxDB's 1.x query API."""

    def __init__(self, settings: InfluxSettings, timeout_s: float = 10.0) -> None:
        self._database = settings.database
        self._client = httpx.AsyncClient(base_url=settings.url, timeout=timeout_s)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def buckets(
        self, meter_id: uuid.UUID, start: datetime, end: datetime, resolution_s: int
    ) -> list[ReadingBucket]:
        statement = readings_query(meter_id, _unix_ms(start), _unix_ms(end), resolution_s)
        try:
            response = await self._client.get(
                "/query", params={"db": self._database, "q": statement, "epoch": "ms"}
            )
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise UnavailableError(
                f"InfluxDB did not answer the readings query: {exc}; retry shortly",
                {"service": "influxdb"},
            ) from exc
        buckets: list[ReadingBucket] = []
        for result in body.get("results", []):
            if "error" in result:
                raise UnavailableError(
                    f"InfluxDB refused the readings query: {result['error']}",
                    {"service": "influxdb"},
                )
            for series in result.get("series", []):
                buckets += [
                    ReadingBucket(int(time_ms), int(export_wh), int(import_wh))
                    for time_ms, export_wh, import_wh in series["values"]
                    if export_wh is not None and import_wh is not None
                ]
        return buckets


def _unix_ms(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp() * 1000)
