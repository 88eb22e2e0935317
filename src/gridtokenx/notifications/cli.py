"""``gridtokenx notifier run``: per-user events, notifications and e-mail until SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import sys

from gridtokenx.config import get_settings
from gridtokenx.notifications.app import serve
from gridtokenx.notifications.service import PassCounts
from gridtokenx.service_process import add_service_arguments, signalled_stop, start_service


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    notifier = commands.add_parser(
        "notifier", help="order, fill, settlement and mint changes → per-user events and e-mail"
    )
    actions = notifier.add_subparsers(dest="action", required=True)
    run = actions.add_parser(
        "run", help="publish gtx:user:<id> events, write notifications, send e-mail"
    )
    add_service_arguments(
        run, idle_help="stop after this many passes in a row found nothing to do (tests)"
    )
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    settings = get_settings()
    group = settings.notifier
    start_service(group.metrics_host, group.metrics_port, serve_metrics=not args.no_metrics)
    counts = asyncio.run(_serve(args.exit_when_idle))
    sys.stdout.write(
        f"notifier changes={counts.changes} deliveries={counts.deliveries} "
        f"notifications={counts.notifications} published={counts.published} "
        f"emails={counts.emails_sent} failed_passes={len(counts.failures)}\n"
    )
    return 0


async def _serve(exit_when_idle: int | None) -> PassCounts:
    return await serve(get_settings(), signalled_stop(), exit_when_idle=exit_when_idle)
