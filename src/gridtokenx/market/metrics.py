"""Prometheus metrics of the matching service (served by `gridtokenx market match`)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

TRANSACTIONS = Counter(
    "gridtokenx_matcher_transactions", "Kafka transactions committed (outputs + input offsets)"
)
COMMANDS = Counter("gridtokenx_matcher_commands", "Commands applied and published")
REPLAYED = Counter(
    "gridtokenx_matcher_commands_replayed",
    "Commands re-applied after a restart to rebuild a book (their outputs were published)",
)
REJECTED = Counter(
    "gridtokenx_matcher_commands_rejected",
    "Commands refused before the engine (sent to the dead-letter topic)",
    ["reason"],
)
ENGINE_REJECTED = Counter(
    "gridtokenx_matcher_engine_rejections", "Commands the engine refused", ["reason"]
)
TRADES = Counter("gridtokenx_matcher_trades", "Trades published")
SNAPSHOTS = Counter("gridtokenx_matcher_snapshots", "Partition checkpoints written to PostgreSQL")
SNAPSHOT_FAILURES = Counter(
    "gridtokenx_matcher_snapshot_failures", "Checkpoints not written (retried at the next one)"
)
BATCH_SECONDS = Histogram(
    "gridtokenx_matcher_batch_seconds", "Time to match one batch and commit its transaction"
)
