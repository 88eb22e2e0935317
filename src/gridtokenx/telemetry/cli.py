"""``gridtokenx telemetry ingest``: run the ingestion service until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import sys

from gridtokenx.config import get_settings
from gridtokenx.service_process import add_service_arguments, start_service, stop_on_signals
from gridtokenx.telemetry.dead_letter import DeadLetterPublisher
from gridtokenx.telemetry.influx_writer import InfluxWriter
from gridtokenx.telemetry.ingest import IngestionService
from gridtokenx.telemetry.repository import TelemetryRepository


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    telemetry = commands.add_parser("telemetry", help="meter telemetry services")
    actions = telemetry.add_subparsers(dest="action", required=True)
    ingest = actions.add_parser("ingest", help="verify meter-readings into InfluxDB + PostgreSQL")
    add_service_arguments(
        ingest, idle_help="stop after this many empty polls in a row (batch runs and tests)"
    )
    ingest.set_defaults(handler=_ingest)


def _ingest(args: argparse.Namespace) -> int:
    settings = get_settings()
    telemetry = settings.telemetry
    start_service(telemetry.metrics_host, telemetry.metrics_port, serve_metrics=not args.no_metrics)
    repository = TelemetryRepository(settings.postgres.url)
    influx = InfluxWriter(settings.influx)
    dead_letter = DeadLetterPublisher(
        settings.kafka.bootstrap_servers, settings.telemetry.dead_letter_topic
    )
    service = IngestionService(settings, repository, influx, dead_letter)
    stop_on_signals(service.stop)
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
