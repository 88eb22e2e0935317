"""``gridtokenx mint serve``: run the minting service until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from prometheus_client import start_http_server

from gridtokenx.config import get_settings
from gridtokenx.minting.app import serve


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mint = commands.add_parser("mint", help="mint GXT on chain from meters' signed readings")
    actions = mint.add_subparsers(dest="action", required=True)
    run = actions.add_parser(
        "serve", help="register the simulated meters on chain and mint their signed watermarks"
    )
    run.add_argument("--cycles", type=int, metavar="N", help="stop after N cycles (batch runs)")
    run.add_argument("--no-metrics", action="store_true", help="do not serve Prometheus metrics")
    run.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    if not args.no_metrics:
        start_http_server(settings.minting.metrics_port, settings.minting.metrics_host)
    asyncio.run(_run(args.cycles))
    return 0


async def _run(cycles: int | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await serve(get_settings(), stop, cycles=cycles)
