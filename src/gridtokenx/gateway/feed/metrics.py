"""Prometheus metrics of the market-data feed (served by `gridtokenx gateway feed`)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

RECORDS = Counter("gridtokenx_market_feed_records", "Kafka records folded", ["topic"])
MALFORMED = Counter(
    "gridtokenx_market_feed_records_malformed", "Records that were not trades or book deltas"
)
UPDATES = Counter("gridtokenx_market_feed_updates", "Channel updates published on Redis")
BOOK_GAPS = Counter(
    "gridtokenx_market_feed_book_gaps", "Book-delta records missing from the matcher's chain"
)
REDIS_FAILURES = Counter(
    "gridtokenx_market_feed_redis_failures", "Redis writes that failed (all snapshots rewritten)"
)
MARKETS = Gauge("gridtokenx_market_feed_markets", "Markets with data")
