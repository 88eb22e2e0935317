"""``gridtokenx agents run``: run the trading agents until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from gridtokenx.agents.app import run_agents
from gridtokenx.agents.service import CycleReport
from gridtokenx.config import get_settings
from gridtokenx.service_process import signalled_stop, start_service


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    agents = commands.add_parser("agents", help="trading agents for the simulated owners")
    actions = agents.add_subparsers(dest="action", required=True)
    run = actions.add_parser(
        "run", help="place, cancel and claim orders for each simulated prosumer and consumer"
    )
    run.add_argument("--cycles", type=int, metavar="N", help="stop after N cycles (batch runs)")
    run.add_argument("--no-metrics", action="store_true", help="do not serve Prometheus metrics")
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    options = get_settings().agents
    start_service(options.metrics_host, options.metrics_port, serve_metrics=not args.no_metrics)
    # One line per RPC request (hundreds a cycle) would drown the cycle summaries.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    report = asyncio.run(_serve(args.cycles))
    sys.stdout.write(
        f"agents agents={report.agents} placed_buy={report.placed['buy']} "
        f"placed_sell={report.placed['sell']} cancelled={report.cancelled} "
        f"claimed={report.claimed} funded={report.funded} "
        f"failures={sum(report.failures.values())}\n"
    )
    return 0


async def _serve(cycles: int | None) -> CycleReport:
    stop = signalled_stop()
    return await run_agents(get_settings(), cycles=cycles, stop=stop)
