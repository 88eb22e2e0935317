"""``gridtokenx gateway feed``: the market-data feed and the ``grid`` channel's publisher (its
own thread) until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import threading

import redis

from gridtokenx.config import get_settings
from gridtokenx.gateway.feed.grid_publisher import run_grid_publisher
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
    grid_stop = threading.Event()
    grid = threading.Thread(
        target=run_grid_publisher, args=(settings, grid_stop), name="grid-publisher"
    )

    def stop() -> None:
        feed.stop()
        grid_stop.set()

    stop_on_signals(stop)
    grid.start()
    try:
        feed.run(max_idle_polls=args.exit_when_idle)
    finally:
        grid_stop.set()
        grid.join()
        client.close()
    return 0
