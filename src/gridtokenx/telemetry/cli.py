"""``gridtokenx telemetry ingest``: run the ingestion service until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from types import FrameType

from prometheus_client import start_http_server

from gridtokenx.config import get_settings
from gridtokenx.telemetry.dead_letter import DeadLetterPublisher
from gridtokenx.telemetry.influx_writer import InfluxWriter
from gridtokenx.telemetry.ingest import IngestionService
from gridtokenx.telemetry.repository import TelemetryRepository


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    telemetry = commands.add_parser("telemetry", help="meter telemetry services")
    actions = telemetry.add_subparsers(dest="action", required=True)
    ingest = actions.add_parser("ingest", help="verify meter-readings into InfluxDB + PostgreSQL")
    ingest.add_argument(
        "--exit-when-idle",
        type=int,
        metavar="POLLS",
        help="stop after this many empty polls in a row (batch runs and tests)",
    )
    ingest.add_argument("--no-metrics", action="store_true", help="do not serve Prometheus metrics")
    ingest.set_defaults(handler=_ingest)


def _ingest(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    if not args.no_metrics:
        start_http_server(settings.telemetry.metrics_port, settings.telemetry.metrics_host)
    repository = TelemetryRepository(settings.postgres.url)
    influx = InfluxWriter(settings.influx)
    dead_letter = DeadLetterPublisher(
        settings.kafka.bootstrap_servers, settings.telemetry.dead_letter_topic
    )
    service = IngestionService(settings, repository, influx, dead_letter)

    def on_signal(signum: int, _: FrameType | None) -> None:
        service.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        counters = service.run(max_idle_polls=args.exit_when_idle)
    finally:
        repository.close()
        influx.close()
    sys.stdout.write(
        f"ingested batches={counters.batches} accepted={counters.accepted} "
        f"duplicates={counters.duplicates} rejected={sum(counters.rejected.values())}\n"
    )
    return 0
