"""The market-data feed (`gridtokenx gateway feed`): trades + book-deltas → Redis snapshots and
pub/sub updates that every gateway worker follows (public book, tape, candles, 24 h stats), and
the public ``grid`` channel (per-zone flows read from PostgreSQL every
``market_data.grid_refresh_interval_s``).

It needs Kafka (the matcher's topics), Redis and PostgreSQL (read only); it holds no state of
its own (it rebuilds from the topics at start), so it starts after the gateway, which serves
without it until it writes.
Health is its Prometheus endpoint answering with the feed's counters.
"""

from __future__ import annotations

from gridtokenx.stack.services.platform_process import PlatformProcess


class MarketFeedService(PlatformProcess):
    name = "market-feed"
    version = "1"
    """The version of its Redis layout and channel messages (gridtokenx.gateway.feed.bus)."""
    command = ("gateway", "feed")
    settings_group = "market_data"
    probe_metric = "gridtokenx_market_feed_updates_total"
    reads_schema = True
    shared_settings = (
        "market.trades_topic",
        "market.book_deltas_topic",
        "redis.host",
        "redis.port",
        "market_data.redis_prefix",
    )
