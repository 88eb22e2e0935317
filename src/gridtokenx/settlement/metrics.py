"""Prometheus metrics of the settlement service (served by `gridtokenx settlement run`)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

TRADES_RECEIVED = Counter(
    "gridtokenx_settlement_trades_received", "Trades read from Kafka and stored for the first time"
)
TRADES_DUPLICATE = Counter(
    "gridtokenx_settlement_trades_duplicate", "Trade records already stored (Kafka redelivery)"
)
MALFORMED = Counter(
    "gridtokenx_settlement_records_malformed",
    "Records of the trades topic that are not trades (skipped)",
    ["reason"],
)
TRADES_SETTLED = Counter("gridtokenx_settlement_trades_settled", "Trades settled on chain")
TRADES_REJECTED = Counter(
    "gridtokenx_settlement_trades_rejected",
    "Trades whose fill the chain refuses (by program error)",
    ["reason"],
)
BATCHES = Counter(
    "gridtokenx_settlement_batches", "Settle transactions resolved, by outcome", ["outcome"]
)
BATCHES_REFUSED = Counter(
    "gridtokenx_settlement_batches_refused",
    "Batches not sent because the chain refuses the whole transaction (tried again later)",
    ["reason"],
)
FILLS_PER_TRANSACTION = Histogram(
    "gridtokenx_settlement_fills_per_transaction",
    "Fills in each settle transaction sent",
    buckets=(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
)
SIMULATIONS = Counter(
    "gridtokenx_settlement_simulations", "Settle transactions simulated (batches and bisection)"
)
CLAIMS = Counter("gridtokenx_settlement_claims", "Order claims cranked, by outcome", ["status"])
RELEASES = Counter(
    "gridtokenx_settlement_releases",
    "IOC / post-only orders the matcher finished, cancelled on chain for their owner, by outcome",
    ["status"],
)
SETTLE_LATENCY_SECONDS = Histogram(
    "gridtokenx_settlement_latency_seconds",
    "From a trade's arrival in the ledger to its settlement on chain",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120),
)
CHAIN_ERRORS = Counter(
    "gridtokenx_settlement_chain_errors",
    "Cluster or PostgreSQL errors the loop recovered from",
    ["kind"],
)
