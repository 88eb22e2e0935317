"""``gridtokenx market match``: run the matching service until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from types import FrameType

from prometheus_client import start_http_server

from gridtokenx.config import get_settings
from gridtokenx.market.service import MatchingService
from gridtokenx.market.snapshots import SnapshotStore


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    market = commands.add_parser("market", help="the order-matching service")
    actions = market.add_subparsers(dest="action", required=True)
    match = actions.add_parser("match", help="match order-commands into trades and book deltas")
    match.add_argument(
        "--exit-when-idle",
        type=int,
        metavar="POLLS",
        help="checkpoint and stop after this many empty polls in a row (batch runs and tests)",
    )
    match.add_argument("--no-metrics", action="store_true", help="do not serve Prometheus metrics")
    match.set_defaults(handler=_match)


def _match(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    market = settings.market
    if not args.no_metrics:
        start_http_server(market.metrics_port, market.metrics_host)
    store = SnapshotStore(
        settings.postgres.url, market.consumer_group, market.commands_topic, market.snapshots_kept
    )
    service = MatchingService(settings, store)

    def on_signal(signum: int, _: FrameType | None) -> None:
        service.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        counters = service.run(max_idle_polls=args.exit_when_idle)
    finally:
        store.close()
    sys.stdout.write(
        f"matched commands={counters.commands} trades={counters.trades} "
        f"replayed={counters.replayed} rejected={sum(counters.rejected.values())} "
        f"engine_rejected={sum(counters.engine_rejected.values())} "
        f"transactions={counters.transactions} checkpoints={counters.checkpoints}\n"
    )
    return 0
