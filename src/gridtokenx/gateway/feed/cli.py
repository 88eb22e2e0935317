"""``gridtokenx gateway feed``: the market-data feed until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse

import redis

from gridtokenx.config import get_settings
from gridtokenx.gateway.feed.service import MarketDataFeed
from gridtokenx.service_process import add_service_arguments, start_service, stop_on_signals


def register_feed(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    feed = actions.add_parser(
        "feed", help="fold trades and book deltas into public market data on Redis"
    )
    add_service_arguments(feed, idle_help="stop after this many empty polls once caught up")
    feed.set_defaults(handler=_feed)


def _feed(args: argparse.Namespace) -> int:
    settings = get_settings()
    market_data = settings.market_data
    start_service(
        market_data.metrics_host, market_data.metrics_port, serve_metrics=not args.no_metrics
    )
    client = redis.Redis(host=settings.redis.host, port=settings.redis.port, socket_timeout=5)
    feed = MarketDataFeed(settings, client)
    stop_on_signals(feed.stop)
    try:
        feed.run(max_idle_polls=args.exit_when_idle)
    finally:
        client.close()
    return 0
