"""``gridtokenx market match``: run the matching service until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import sys

from gridtokenx.config import get_settings
from gridtokenx.market.service import MatchingService
from gridtokenx.market.snapshots import SnapshotStore
from gridtokenx.service_process import add_service_arguments, start_service, stop_on_signals


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    market = commands.add_parser("market", help="the order-matching service")
    actions = market.add_subparsers(dest="action", required=True)
    match = actions.add_parser("match", help="match order-commands into trades and book deltas")
    add_service_arguments(
        match,
        idle_help="checkpoint and stop after this many empty polls in a row (batch runs and tests)",
    )
    match.set_defaults(handler=_match)


def _match(args: argparse.Namespace) -> int:
    settings = get_settings()
    market = settings.market
    start_service(market.metrics_host, market.metrics_port, serve_metrics=not args.no_metrics)
    store = SnapshotStore(
        settings.postgres.url, market.consumer_group, market.commands_topic, market.snapshots_kept
    )
    service = MatchingService(settings, store)
    stop_on_signals(service.stop)
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
