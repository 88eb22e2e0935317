"""Prometheus metrics of the local price publisher (served by `gridtokenx oracle publish`)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

CYCLES = Counter("gridtokenx_oracle_publish_cycles", "Publish cycles run")
UPDATES = Counter("gridtokenx_oracle_price_updates", "Price updates confirmed on chain", ["feed"])
SOURCE_ERRORS = Counter(
    "gridtokenx_oracle_source_errors", "Cycles whose price source answered no usable price"
)
CHAIN_ERRORS = Counter(
    "gridtokenx_oracle_chain_errors", "Cycles whose update the chain refused or did not answer"
)
LAST_PUBLISH_TIME = Gauge(
    "gridtokenx_oracle_last_publish_time_seconds", "publish_time of the newest update", ["feed"]
)
