"""The pipeline exporter (`gridtokenx pipeline export`): Kafka consumer lag, dead letters, the
settlement and mint backlogs and the chain's slot as Prometheus gauges on 9110.

It reads Kafka's offsets, PostgreSQL (the ingestion offsets, settlement and mint tables: the
schema is migrated before it starts) and the chain's slot; a source that does not answer only
drops its own figures. Health is its Prometheus endpoint answering with its probe counter.
"""

from __future__ import annotations

from gridtokenx.stack.services.platform_process import PlatformProcess


class PipelineExporterService(PlatformProcess):
    name = "pipeline-exporter"
    version = "1"
    """The version of its metric names (gridtokenx.pipeline_metrics.metrics)."""
    command = ("pipeline", "export")
    settings_group = "pipeline_exporter"
    probe_metric = "gridtokenx_pipeline_probes_total"
    reads_schema = True
    uses_chain = True
    shared_settings = (
        "telemetry.consumer_group",
        "telemetry.readings_topic",
        "telemetry.dead_letter_topic",
        "market.consumer_group",
        "market.commands_topic",
        "market.trades_topic",
        "market.dead_letter_topic",
        "settlement.consumer_group",
    )
