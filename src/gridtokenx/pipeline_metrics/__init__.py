"""The pipeline exporter (`gridtokenx pipeline export`): what no single service can count
itself, as Prometheus gauges — Kafka consumer lag per group, dead-letter records, the settlement
and mint backlogs and the chain's slot.

Every ``pipeline_exporter.interval_s`` it reads the same document operators get from
``GET /v1/operator/pipeline/health`` (:func:`gridtokenx.pipeline_health.pipeline_health`)
and sets the gauges of :mod:`gridtokenx.pipeline_metrics.metrics` from it
(:func:`gridtokenx.pipeline_metrics.exporter.record`). A section that cannot be read drops its
gauges (an alert never fires on a stale figure) and counts an error for that section.
"""
