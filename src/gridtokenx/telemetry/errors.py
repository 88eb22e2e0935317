"""Errors of the telemetry services; see ``gridtokenx.errors`` for the whole tree."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class TelemetryError(GridTokenXError):
    """The telemetry pipeline could not do its work."""


class StorageUnavailableError(TelemetryError):
    """InfluxDB, PostgreSQL or Kafka refused or failed a write; the caller retries."""


def postgres_unavailable(detail: str) -> StorageUnavailableError:
    """The error a telemetry or minting store raises while PostgreSQL is out of reach."""
    return StorageUnavailableError(f"PostgreSQL unavailable: {detail}")


class InfluxRejectedError(TelemetryError):
    """InfluxDB refused points as invalid: a defect in what was written, not an outage."""
