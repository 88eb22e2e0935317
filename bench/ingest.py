"""Ingestion throughput on the real stack: readings produced to Kafka beforehand, then consumed,
verified (Ed25519, against each meter's commissioned key), written to InfluxDB (line protocol)
and aggregated in PostgreSQL by parallel ingestion processes (one consumer group, static ids).

Each round uses its own topic (6 partitions), database and InfluxDB database. The rate is taken
over the middle 80 % of the records (process start-up and group join excluded); the median of
the rounds is reported.

    .venv/bin/python bench/ingest.py [--readings N] [--processes P] [--rounds R]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.telemetry.pipeline import private_pipeline

from gridtokenx.config import Settings, get_settings

METERS = 1_000


def one_round(stack: Settings, readings: int, processes: int) -> tuple[float, float]:
    """(steady-state readings/s, whole-run readings/s incl. start-up)."""
    with private_pipeline(stack, partitions=6) as pipeline:
        meters = pipeline.commission(METERS)
        steps = readings // METERS
        for _ in range(steps):
            for meter in meters:
                pipeline.publish(meter, meter.next_reading(3, 1, minutes=1))
        pipeline.producer.flush()
        total = steps * METERS
        started = time.perf_counter()
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gridtokenx",
                    "telemetry",
                    "ingest",
                    "--exit-when-idle",
                    "5",
                    "--no-metrics",
                ],
                env=pipeline.ingest_environment(
                    f"{pipeline.settings.telemetry.instance_id}-{instance}"
                ),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for instance in range(processes)
        ]
        marks: dict[float, float] = {}
        while True:
            done = pipeline.applied_offsets()
            now = time.perf_counter()
            for share in (0.1, 0.9):
                if share not in marks and done >= share * total:
                    marks[share] = now
            if done >= total:
                break
            for worker in workers:
                if worker.poll() is not None:
                    _, errors = worker.communicate()
                    raise RuntimeError(f"an ingestion process exited early: {errors.decode()}")
            time.sleep(0.02)
        finished = time.perf_counter()
        for worker in workers:
            worker.wait(timeout=120)
        assert pipeline.influx_point_count() == total
        steady = 0.8 * total / (marks[0.9] - marks[0.1])
        return steady, total / (finished - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readings", type=int, default=200_000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    stack = get_settings()
    results = [one_round(stack, args.readings, args.processes) for _ in range(args.rounds)]
    steady = statistics.median(r[0] for r in results)
    whole = statistics.median(r[1] for r in results)
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        "shared with PostgreSQL, InfluxDB and Kafka"
    )
    print(
        f"{args.rounds} rounds x {args.readings} readings from {METERS} meters, "
        f"{args.processes} ingestion processes"
    )
    for steady_rate, whole_rate in results:
        print(f"  steady {steady_rate:,.0f} readings/s, whole run {whole_rate:,.0f} readings/s")
    print(f"median whole run incl. start-up: {whole:,.0f} readings/s")
    print(f"ingest readings_per_s={steady:.0f} verify=ed25519")


if __name__ == "__main__":
    main()
