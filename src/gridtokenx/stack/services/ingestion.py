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

    def shared_env(self) -> dict[str, str]:
        influx = self.settings.influx
        return {
            **super().shared_env(),
            "GRIDTOKENX_INFLUX__HOST": influx.host,
            "GRIDTOKENX_INFLUX__PORT": str(influx.port),
            "GRIDTOKENX_INFLUX__DATABASE": influx.database,
        }
