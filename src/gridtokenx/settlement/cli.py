"""``gridtokenx settlement run``: settle trades on chain until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading

from gridtokenx.config import get_settings
from gridtokenx.service_process import add_service_arguments, start_service, stop_on_signals
from gridtokenx.settlement.app import serve


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    settlement = commands.add_parser(
        "settlement", help="settle the matcher's trades on chain (Trading settle + claim)"
    )
    actions = settlement.add_subparsers(dest="action", required=True)
    run = actions.add_parser("run", help="trades → settle transactions, claims, statuses in PG")
    add_service_arguments(
        run,
        idle_help="stop after this many empty polls in a row once every trade is settled or "
        "rejected and every claim cranked (batch runs and tests)",
    )
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    settings = get_settings()
    group = settings.settlement
    start_service(group.metrics_host, group.metrics_port, serve_metrics=not args.no_metrics)
    stop = threading.Event()
    stop_on_signals(stop.set)
    report = asyncio.run(serve(settings, stop, exit_when_idle=args.exit_when_idle))
    settler = report.settler
    sys.stdout.write(
        f"settlement received={report.intake.received} duplicates={report.intake.duplicates} "
        f"malformed={sum(report.intake.malformed.values())} settled={settler.settled} "
        f"rejected={sum(settler.rejected.values())} "
        f"batches={sum(settler.batches.values())} claims={sum(settler.claims.values())}\n"
    )
    return 0
