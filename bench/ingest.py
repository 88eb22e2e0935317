"""Ingestion throughput on the real stack: readings produced to Kafka beforehand, then consumed,
verified (Ed25519, against each meter's commissioned key), written to InfluxDB (line protocol)
and aggregated in PostgreSQL by parallel ingestion processes (one consumer group, static ids).

Each round uses its own topic (6 partitions), database and InfluxDB database. The rate is taken
over the middle 80 % of the records (process start-up and group join excluded); the median of
the rounds is reported. Each round also reports the CPU time per reading spent over those same
middle 80 % by the ingestion processes and by the stores serving them (InfluxDB, the Kafka
broker, PostgreSQL: machine-wide counters, so other load on those services is included).

    .venv/bin/python bench/ingest.py [--readings N] [--processes P] [--rounds R]
"""

from __future__ import annotations

import argparse
import contextlib
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
STORES = {"influxd": "influxdb", "java": "kafka", "postgres": "postgresql"}
"""Process name (``/proc/<pid>/comm``) → the store it is, for the CPU breakdown."""
TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def _cpu_s(stat: str) -> float:
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_S


def store_cpu_s() -> dict[str, float]:
    """CPU seconds (user + system, all threads) used so far by each store's processes."""
    used = dict.fromkeys(STORES.values(), 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # the process ended meanwhile
        store = STORES.get(stat[stat.index("(") + 1 : stat.rindex(")")])
        if store is not None:
            used[store] += _cpu_s(stat)
    return used


def worker_cpu_s(workers: list[subprocess.Popen[bytes]], seen: dict[int, float]) -> float:
    """CPU seconds used so far by the ingestion processes; ``seen`` keeps each one's last
    reading, so a process that has already exited still counts."""
    for worker in workers:
        with contextlib.suppress(OSError):  # exited: its last reading stands
            seen[worker.pid] = _cpu_s(Path(f"/proc/{worker.pid}/stat").read_text())
    return sum(seen.values())


def one_round(
    stack: Settings, readings: int, processes: int
) -> tuple[float, float, dict[str, float]]:
    """(steady-state readings/s, whole-run readings/s incl. start-up, CPU us per reading by
    component)."""
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
        cpu_at: dict[float, dict[str, float]] = {}
        seen: dict[int, float] = {}
        while True:
            done = pipeline.applied_offsets()
            now = time.perf_counter()
            ingestion_s = worker_cpu_s(workers, seen)
            for share in (0.1, 0.9):
                if share not in marks and done >= share * total:
                    marks[share] = now
                    cpu_at[share] = {"ingestion": ingestion_s, **store_cpu_s()}
            if done >= total:
                break
            # A process exits on its own once its partitions stay empty for a while: that is
            # the end of its share, not a failure, unless it failed or all ended too soon.
            for worker in workers:
                if worker.poll():
                    _, errors = worker.communicate()
                    raise RuntimeError(f"an ingestion process failed: {errors.decode()}")
            ended = all(worker.poll() is not None for worker in workers)
            if ended and pipeline.applied_offsets() < total:
                raise RuntimeError(
                    f"the ingestion processes ended after {done} of {total} readings"
                )
            time.sleep(0.02)
        finished = time.perf_counter()
        for worker in workers:
            worker.wait(timeout=120)
        assert pipeline.influx_point_count() == total
        steady = 0.8 * total / (marks[0.9] - marks[0.1])
        cpu_us = {
            name: (cpu_at[0.9][name] - cpu_at[0.1][name]) / (0.8 * total) * 1e6
            for name in cpu_at[0.9]
        }
        return steady, total / (finished - started), cpu_us


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
    for steady_rate, whole_rate, cpu_us in results:
        print(f"  steady {steady_rate:,.0f} readings/s, whole run {whole_rate:,.0f} readings/s")
        print(
            "    CPU us/reading (middle 80 %): "
            + ", ".join(f"{name} {us:.1f}" for name, us in cpu_us.items())
            + f"; total {sum(cpu_us.values()):.1f}"
        )
    print(f"median whole run incl. start-up: {whole:,.0f} readings/s")
    print(f"ingest readings_per_s={steady:.0f} verify=ed25519")


if __name__ == "__main__":
    main()
