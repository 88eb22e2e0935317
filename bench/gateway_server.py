"""Which ASGI server runs the gateway: granian and hypercorn side by side, same app, same route.

Both candidates speak HTTP/1.1, h2 over TLS and h2c with prior knowledge (uvicorn, the third
common choice, has no HTTP/2 and is not a candidate). Each runs the real gateway app
(`gridtokenx gateway serve`, one worker, JSON access log on) pinned to CPU 1 with
``taskset``; the load generator is nghttp2's ``h2load`` (Debian's ``nghttp2-client``) pinned to
CPU 0. The route is ``GET /v1/version`` (no database or Redis work: this measures the server
and the app's middleware, not PostgreSQL). At a fixed 32 requests in flight, HTTP/1.1 uses 32
connections and h2c 8 connections x 4 streams. Rounds alternate between the servers so that
load from other processes on the machine falls on both alike; the figures are the median round.
Latency percentiles come from h2load's per-request log. Among the servers that failed no
request, the one with the higher geometric mean of its HTTP/1.1 and h2c throughput is chosen.
Ends with
``gateway_server granian_rps=<n> ... hypercorn_rps=<n> ... chosen=<name>``.

Run from the repository root: ``.venv/bin/python bench/gateway_server.py`` (needs the local
stack's PostgreSQL and Redis for the health check, and ``apt-get install nghttp2-client``).
"""

from __future__ import annotations

import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.gateway.server_process import running_gateway

from gridtokenx.config import Settings

MACHINE = "2-core polyglot VM"
SERVERS = ("granian", "hypercorn")
ROUNDS = 3
REQUESTS = 20_000
WARM_UP_REQUESTS = 2_000
IN_FLIGHT = 32
H2C_CONNECTIONS = 8
ROUTE = "/v1/version"


@dataclass(frozen=True)
class Round:
    rps: float
    p50_ms: float
    p99_ms: float
    failed: int
    """Requests not completed, errored or timed out, or answered with another status than 200."""


def h2load(url: str, protocol: str, requests: int, log: Path) -> Round:
    if protocol == "h1":
        shape = ["--h1", "-c", str(IN_FLIGHT), "-m", "1"]
    else:
        shape = ["-c", str(H2C_CONNECTIONS), "-m", str(IN_FLIGHT // H2C_CONNECTIONS)]
    command = ["taskset", "-c", "0", "h2load", "-n", str(requests), *shape, "--log-file", str(log)]
    result = subprocess.run([*command, url], check=True, capture_output=True, text=True)
    rps = 0.0
    total = requests
    for line in result.stdout.splitlines():
        if line.startswith("finished in"):
            rps = float(line.split(",")[1].split()[0])
    if protocol == "h2c" and "h2c" not in result.stdout:
        raise RuntimeError(f"h2load did not speak h2c:\n{result.stdout}")
    rows = [row.split("\t") for row in log.read_text().splitlines() if row]
    log.unlink()
    # Status 0: no status code was read. h2load's HTTP/1.1 parser records none for a status line
    # without a reason phrase (hypercorn's h11 sends "HTTP/1.1 200 "), so over HTTP/1.1 such a
    # complete response counts as answered; over h2c a 0 means the stream failed.
    accepted = ("200", "0") if protocol == "h1" else ("200",)
    failed = total - len(rows) + sum(1 for row in rows if row[1] not in accepted)
    latencies_us = sorted(int(row[2]) for row in rows)
    return Round(
        rps=rps,
        p50_ms=latencies_us[len(latencies_us) // 2] / 1000,
        p99_ms=latencies_us[int(len(latencies_us) * 0.99)] / 1000,
        failed=failed,
    )


def median_round(rounds: list[Round]) -> Round:
    return sorted(rounds, key=lambda r: r.rps)[len(rounds) // 2]


def main() -> int:
    if shutil.which("h2load") is None:
        print("h2load is missing: apt-get install nghttp2-client", file=sys.stderr)
        return 1
    state = Path(tempfile.mkdtemp(prefix="gateway-bench-"))
    settings = Settings(state_dir=state)
    print(f"date: {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(
        f"machine: {MACHINE} ({platform.node()}, {os.cpu_count()} cores, {platform.machine()}), "
        f"Python {platform.python_version()}, granian {version('granian')}, "
        f"hypercorn {version('hypercorn')}, fastapi {version('fastapi')}"
    )
    print(
        f"servers on CPU 1 (taskset, 1 worker), h2load on CPU 0; GET {ROUTE}; {IN_FLIGHT} in "
        f"flight (h1: {IN_FLIGHT} connections; h2c: {H2C_CONNECTIONS} connections x "
        f"{IN_FLIGHT // H2C_CONNECTIONS} streams); {ROUNDS} rounds of {REQUESTS} requests"
    )
    results: dict[tuple[str, str], list[Round]] = {}
    with (
        running_gateway(settings, server="granian", cpu_list="1", log_file=state / "g.log") as g,
        running_gateway(settings, server="hypercorn", cpu_list="1", log_file=state / "h.log") as h,
    ):
        urls = {"granian": f"{g.base_url}{ROUTE}", "hypercorn": f"{h.base_url}{ROUTE}"}
        for server in SERVERS:
            for protocol in ("h1", "h2c"):
                h2load(urls[server], protocol, WARM_UP_REQUESTS, state / "warm.log")
        for number in range(1, ROUNDS + 1):
            for server in SERVERS:
                for protocol in ("h1", "h2c"):
                    measured = h2load(urls[server], protocol, REQUESTS, state / "run.log")
                    results.setdefault((server, protocol), []).append(measured)
                    print(
                        f"round {number} {server:9} {protocol:3}: {measured.rps:8.0f} req/s, "
                        f"p50 {measured.p50_ms:6.2f} ms, p99 {measured.p99_ms:6.2f} ms, "
                        f"failed {measured.failed}"
                    )
    load1, load5, _ = os.getloadavg()
    print(f"load average at the end: {load1:.2f} (1 min), {load5:.2f} (5 min)")
    summary: list[str] = []
    scores: dict[str, float] = {}
    for server in SERVERS:
        h1, h2c = (median_round(results[(server, p)]) for p in ("h1", "h2c"))
        # A server that failed requests is not a candidate, however fast.
        failures = sum(r.failed for p in ("h1", "h2c") for r in results[(server, p)])
        scores[server] = 0.0 if failures else math.sqrt(h1.rps * h2c.rps)
        print(
            f"{server}: HTTP/1.1 {h1.rps:.0f} req/s p50 {h1.p50_ms:.2f} ms p99 {h1.p99_ms:.2f} ms; "
            f"h2c {h2c.rps:.0f} req/s p50 {h2c.p50_ms:.2f} ms p99 {h2c.p99_ms:.2f} ms "
            f"(median rounds); failed requests in all rounds: {failures}"
        )
        summary += [
            f"{server}_rps={h1.rps:.0f}",
            f"{server}_p50_ms={h1.p50_ms:.2f}",
            f"{server}_p99_ms={h1.p99_ms:.2f}",
            f"{server}_h2c_rps={h2c.rps:.0f}",
            f"{server}_h2c_p50_ms={h2c.p50_ms:.2f}",
            f"{server}_h2c_p99_ms={h2c.p99_ms:.2f}",
        ]
    chosen = max(scores, key=lambda name: scores[name])
    shutil.rmtree(state, ignore_errors=True)
    print("gateway_server " + " ".join(summary) + f" chosen={chosen}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
