"""``gridtokenx indexer run``: follow the Trading program until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import sys

from gridtokenx.config import get_settings
from gridtokenx.indexer.app import serve
from gridtokenx.indexer.service import IndexerCounters
from gridtokenx.service_process import add_service_arguments, signalled_stop, start_service


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    indexer = commands.add_parser(
        "indexer", help="the order indexer: Trading transactions → order-commands + mirror"
    )
    actions = indexer.add_subparsers(dest="action", required=True)
    run = actions.add_parser(
        "run", help="follow the Trading program, publish order commands, mirror the orders"
    )
    add_service_arguments(
        run, idle_help="stop after this many passes in a row found nothing new (batch runs)"
    )
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    indexer = get_settings().indexer
    start_service(indexer.metrics_host, indexer.metrics_port, serve_metrics=not args.no_metrics)
    counters = asyncio.run(_serve(args.exit_when_idle))
    sys.stdout.write(
        f"indexed transactions={counters.transactions} failed={counters.failed} "
        f"adds={counters.commands['add']} cancels={counters.commands['cancel']} "
        f"mirror_updates={counters.mirror_updates} reconciles={counters.reconciles} "
        f"drift={sum(counters.drift.values())}\n"
    )
    return 0


async def _serve(max_idle_passes: int | None) -> IndexerCounters:
    stop = signalled_stop()
    return await serve(get_settings(), stop, max_idle_passes=max_idle_passes)
