"""Accepted readings to InfluxDB as line protocol, one HTTP write per batch.

Points are keyed by measurement, tags and timestamp, so writing a reading again overwrites it
with the same values: replays after a crash are harmless.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import httpx

from gridtokenx.config import InfluxSettings
from gridtokenx.stack.services.influxdb import READINGS_RETENTION_POLICY
from gridtokenx.telemetry.errors import InfluxRejectedError, StorageUnavailableError

MEASUREMENT = "readings"
_BEYOND_RETENTION = re.compile(r"points beyond retention policy dropped=(\d+)")


def line_protocol(
    meter_tags: Sequence[str],
    export_wh: Sequence[int],
    import_wh: Sequence[int],
    timestamp_ms: Sequence[int],
) -> bytes:
    """One point per reading ``i`` of meter ``meter_tags[i]`` (its id as text), ms precision."""
    return "".join(
        [
            f"{MEASUREMENT},meter={tag} export_wh={export}i,import_wh={import_}i {timestamp}\n"
            for tag, export, import_, timestamp in zip(
                meter_tags, export_wh, import_wh, timestamp_ms, strict=True
            )
        ]
    ).encode()


class InfluxWriter:
    def __init__(self, settings: InfluxSettings, timeout_s: float = 30.0) -> None:
        self._settings = settings
        self._client = httpx.Client(base_url=settings.url, timeout=timeout_s)

    def write(self, points: bytes) -> int:
        """Write line-protocol ``points`` (see :func:`line_protocol`); returns how many
        InfluxDB dropped as older than its retention (a replay of old data): those stay in
        PostgreSQL's intervals only."""
        if not points:
            return 0
        try:
            response = self._client.post(
                "/write",
                params={
                    "db": self._settings.database,
                    "rp": READINGS_RETENTION_POLICY,
                    "precision": "ms",
                },
                content=points,
            )
        except httpx.HTTPError as exc:
            raise StorageUnavailableError(f"InfluxDB write failed: {exc}") from exc
        if response.status_code == 204:
            return 0
        beyond_retention = _BEYOND_RETENTION.search(response.text)
        if response.status_code == 400 and beyond_retention:
            return int(beyond_retention.group(1))
        if response.status_code >= 500:
            raise StorageUnavailableError(
                f"InfluxDB write answered {response.status_code}: {response.text.strip()[:200]}"
            )
        # Any other refusal is a bug in the points we wrote: retrying cannot fix it.
        raise InfluxRejectedError(
            f"InfluxDB refused the points ({response.status_code}): {response.text.strip()[:200]}"
        )

    def close(self) -> None:
        self._client.close()
