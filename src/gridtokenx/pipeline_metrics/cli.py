"""``gridtokenx pipeline export``: serve the pipeline's lag and backlog gauges to Prometheus."""

from __future__ import annotations

import argparse
import asyncio

from gridtokenx.config import get_settings
from gridtokenx.pipeline_metrics.exporter import export
from gridtokenx.service_process import signalled_stop, start_service


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pipeline = commands.add_parser(
        "pipeline", help="the pipeline exporter: Kafka lag, backlogs and chain slot as metrics"
    )
    actions = pipeline.add_subparsers(dest="action", required=True)
    run = actions.add_parser(
        "export", help="probe the pipeline on a timer and serve the figures on /metrics"
    )
    run.add_argument("--cycles", type=int, metavar="N", help="stop after N probes")
    run.add_argument("--no-metrics", action="store_true", help="do not serve Prometheus metrics")
    run.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    settings = get_settings()
    options = settings.pipeline_exporter
    start_service(options.metrics_host, options.metrics_port, serve_metrics=not args.no_metrics)

    async def run() -> None:
        await export(settings, signalled_stop(), args.cycles)

    asyncio.run(run())
    return 0
