"""Prometheus metrics of the order indexer (served by `gridtokenx indexer run`)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

TRANSACTIONS = Counter(
    "gridtokenx_indexer_transactions",
    "Trading transactions processed, by outcome (ok, failed: meta.err set, so nothing counted)",
    ["outcome"],
)
COMMANDS = Counter("gridtokenx_indexer_commands", "Commands committed to order-commands", ["type"])
SKIPPED_INSTRUCTIONS = Counter(
    "gridtokenx_indexer_skipped_instructions",
    "Trading instructions of successful transactions that did not decode (a layout mismatch)",
)
MIRROR_UPDATES = Counter(
    "gridtokenx_indexer_mirror_updates", "Order mirror rows written, by cause", ["cause"]
)
RECONCILE_DRIFT = Counter(
    "gridtokenx_indexer_reconcile_drift",
    "Mirror rows a reconcile pass found off the chain and fixed, by kind",
    ["kind"],
)
RECONCILES = Counter("gridtokenx_indexer_reconciles", "Reconcile passes completed")
LAG_SLOTS = Gauge(
    "gridtokenx_indexer_lag_slots", "The chain's slot minus the slot of the indexer's cursor"
)
CURSOR_SLOT = Gauge(
    "gridtokenx_indexer_cursor_slot", "Slot of the last fully processed transaction"
)
RETRIES = Counter(
    "gridtokenx_indexer_retries", "Passes abandoned because the chain or PostgreSQL did not answer"
)
WAKEUPS = Counter(
    "gridtokenx_indexer_wakeups",
    "Passes started, by trigger (logs notification or poll timer)",
    ["trigger"],
)
