"""What every long-running GridTokenX service process does at start: log to stderr, serve its
Prometheus metrics, and stop its loop cleanly on SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections.abc import Callable
from types import FrameType

from prometheus_client import start_http_server


def add_service_arguments(parser: argparse.ArgumentParser, idle_help: str) -> None:
    parser.add_argument("--exit-when-idle", type=int, metavar="POLLS", help=idle_help)
    parser.add_argument("--no-metrics", action="store_true", help="do not serve Prometheus metrics")


def start_service(metrics_host: str, metrics_port: int, *, serve_metrics: bool) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if serve_metrics:
        start_http_server(metrics_port, metrics_host)


def stop_on_signals(stop: Callable[[], None]) -> None:
    """Call ``stop`` on SIGTERM (`stack down`) and SIGINT (Ctrl-C)."""

    def on_signal(signum: int, _: FrameType | None) -> None:
        stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)


def signalled_stop() -> asyncio.Event:
    """An event set on SIGTERM (`stack down`) and SIGINT (Ctrl-C); call it in the running loop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop
