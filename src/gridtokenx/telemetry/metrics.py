"""Prometheus metrics of the ingestion service (served by `gridtokenx telemetry ingest`)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

BATCHES = Counter("gridtokenx_ingest_batches", "Record batches applied to InfluxDB and PostgreSQL")
ACCEPTED = Counter("gridtokenx_ingest_readings_accepted", "Readings verified and stored")
DUPLICATES = Counter("gridtokenx_ingest_readings_duplicate", "Exact repeats of a stored reading")
REJECTED = Counter(
    "gridtokenx_ingest_readings_rejected", "Records sent to the dead-letter topic", ["reason"]
)
BEYOND_RETENTION = Counter(
    "gridtokenx_ingest_readings_beyond_retention",
    "Accepted readings older than InfluxDB's retention (kept in PostgreSQL only)",
)
STORE_RETRIES = Counter(
    "gridtokenx_ingest_store_retries", "Writes retried while a store was unavailable", ["store"]
)
BATCH_SECONDS = Histogram(
    "gridtokenx_ingest_batch_seconds", "Time to validate and apply one batch of records"
)
DEVICE_KEY_CHANGES = Counter(
    "gridtokenx_ingest_device_key_changes",
    "Rotated device keys picked up while running (readings signed by the old key are refused)",
)
