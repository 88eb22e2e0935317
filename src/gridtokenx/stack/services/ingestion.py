"""The ingestion service (`gridtokenx telemetry ingest`): meter-readings → InfluxDB + PostgreSQL."""

from __future__ import annotations

from gridtokenx.stack.services.platform_process import PlatformProcess


class IngestionService(PlatformProcess):
    name = "ingestion"
    version = "1"
    """The schema version of the meter-readings records it reads."""
    command = ("telemetry", "ingest")
    settings_group = "telemetry"
    probe_metric = "gridtokenx_ingest_batches_total"
    shared_settings = ("influx.host", "influx.port", "influx.database")
