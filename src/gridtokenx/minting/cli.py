"""``gridtokenx mint serve``: run the minting service until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio

from gridtokenx.config import get_settings
from gridtokenx.minting.app import serve
from gridtokenx.service_process import signalled_stop, start_service


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
    minting = get_settings().minting
    start_service(minting.metrics_host, minting.metrics_port, serve_metrics=not args.no_metrics)
    asyncio.run(_run(args.cycles))
    return 0


async def _run(cycles: int | None) -> None:
    stop = signalled_stop()
    await serve(get_settings(), stop, cycles=cycles)
