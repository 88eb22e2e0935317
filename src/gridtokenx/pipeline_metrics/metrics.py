"""Prometheus metrics of the pipeline exporter (served by `gridtokenx pipeline export` on 9110).

Gauges hold the figures of the latest probe; a figure whose source did not answer is absent
until it answers again (see ``gridtokenx_pipeline_probe_errors_total``).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge

PROBES = Counter("gridtokenx_pipeline_probes", "Pipeline probes run (one read of every source)")
PROBE_ERRORS = Counter(
    "gridtokenx_pipeline_probe_errors",
    "Probe sections that could not be read, by section (consumer_groups, dead_letters, mint, "
    "settlement, chain)",
    ["section"],
)
CONSUMER_LAG = Gauge(
    "gridtokenx_pipeline_consumer_lag",
    "Records of the topic the consumer group has not processed yet (sum over partitions)",
    ["group", "topic"],
)
DEAD_LETTERS = Gauge(
    "gridtokenx_pipeline_dead_letters", "Records a dead-letter topic holds", ["topic"]
)
SETTLEMENT_PENDING = Gauge(
    "gridtokenx_pipeline_settlement_pending", "Stored trades waiting for a settle transaction"
)
SETTLEMENT_SUBMITTED = Gauge(
    "gridtokenx_pipeline_settlement_submitted",
    "Trades whose settle transaction is sent and not yet resolved",
)
SETTLEMENT_OLDEST_PENDING_AGE = Gauge(
    "gridtokenx_pipeline_settlement_oldest_pending_age_seconds",
    "Age of the oldest pending trade (0 when none is pending)",
)
MINT_PENDING = Gauge(
    "gridtokenx_pipeline_mint_pending", "Mint submissions sent and not yet resolved"
)
CHAIN_SLOT = Gauge("gridtokenx_pipeline_chain_slot", "The cluster's current slot")
