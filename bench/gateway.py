"""The gateway's public order-book route under load: ``book_rps`` and ``book_p99_ms``.

Issue 8 asks for one line ``gateway book_rps=<n> book_p99_ms=<n> prepare_rps=<n>
ws_msgs_per_s=<n> ws_p99_ms=<n>``; this script measures only the book route so far and prints
only the figures it measured. The real gateway (`gridtokenx gateway serve`, granian, one worker,
JSON access log on) runs pinned to CPU 1; h2load (nghttp2-client) on CPU 0 sends
``GET /v1/markets/<market>/book?depth=50`` over HTTP/1.1 with 32 connections, one request in
flight each (the same shape as bench/gateway_server.py, whose h2load runner it reuses). The
book is a real one: 3,000 commands of the test suite's command log through the pure matcher
sessions, folded by the feed's pure core and written to Redis under a scratch prefix exactly as
the feed writes it; the worker serves it from memory (no database, no Redis per request).
Three rounds; the figures are the median round.

Run from the repository root: ``.venv/bin/python bench/gateway.py`` (needs the local stack's
PostgreSQL and Redis, and ``apt-get install nghttp2-client``).
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import httpx
import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.gateway_server import IN_FLIGHT, MACHINE, Round, h2load, median_round
from tests.gateway.server_process import running_gateway
from tests.market.service.commands import LogWriter, Reference

from gridtokenx.config import Settings
from gridtokenx.gateway.feed.bus import BusKeys, snapshot_document
from gridtokenx.gateway.feed.state import MarketFeed

ROUNDS = 3
REQUESTS = 20_000
WARM_UP_REQUESTS = 2_000
COMMANDS = 3_000
DEPTH = 50


def seed_market(client: redis.Redis, keys: BusKeys) -> tuple[str, int, int]:
    """Write one market's channels as the feed does; (market, book sequence, levels)."""
    writer = LogWriter(seed=3, markets=1, owners=20)
    reference = Reference()
    for offset, command in enumerate(writer.burst(COMMANDS)):
        reference.apply(command, 0, offset)
    (market,) = reference.sessions
    feed = MarketFeed(market, recent_trades=200, candles_kept=1_500)
    for delta in reference.deltas:
        feed.apply_book_delta(delta)
    feed.apply_trades(reference.trades)
    client.sadd(keys.markets, market)
    for name, view in feed.views().items():
        client.set(keys.snapshot(name), snapshot_document(name, view.sequence, view.snapshot()))
    return market, feed.book.sequence, len(feed.book.bids) + len(feed.book.asks)


def main() -> int:
    if shutil.which("h2load") is None:
        print("h2load is missing: apt-get install nghttp2-client", file=sys.stderr)
        return 1
    state = Path(tempfile.mkdtemp(prefix="gateway-bench-"))
    settings = Settings(state_dir=state)
    keys = BusKeys(f"bench-md-{uuid.uuid4().hex[:8]}")
    client = redis.Redis(host=settings.redis.host, port=settings.redis.port)
    print(f"date: {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(
        f"machine: {MACHINE} ({platform.node()}, {os.cpu_count()} cores, {platform.machine()}), "
        f"Python {platform.python_version()}, granian {version('granian')}, "
        f"fastapi {version('fastapi')}"
    )
    rounds: list[Round] = []
    try:
        market, sequence, levels = seed_market(client, keys)
        route = f"/v1/markets/{market}/book?depth={DEPTH}"
        print(
            f"gateway on CPU 1 (taskset, granian, 1 worker), h2load on CPU 0; GET {route} "
            f"(book of {levels} levels); HTTP/1.1, {IN_FLIGHT} connections; {ROUNDS} rounds of "
            f"{REQUESTS} requests"
        )
        env = {"GRIDTOKENX_MARKET_DATA__REDIS_PREFIX": keys.prefix}
        with running_gateway(
            settings, server="granian", cpu_list="1", extra_env=env, log_file=state / "g.log"
        ) as gateway:
            url = f"{gateway.base_url}{route}"
            deadline = time.monotonic() + 30
            while httpx.get(url).json().get("sequence") != sequence:
                if time.monotonic() > deadline:
                    raise RuntimeError("the gateway never loaded the book")
                time.sleep(0.1)
            h2load(url, "h1", WARM_UP_REQUESTS, state / "warm.log")
            for number in range(1, ROUNDS + 1):
                measured = h2load(url, "h1", REQUESTS, state / "run.log")
                rounds.append(measured)
                print(
                    f"round {number}: {measured.rps:8.0f} req/s, p50 {measured.p50_ms:6.2f} ms, "
                    f"p99 {measured.p99_ms:6.2f} ms, failed {measured.failed}"
                )
    finally:
        stale = list(client.scan_iter(f"{keys.prefix}:*"))
        if stale:
            client.delete(*stale)
        client.close()
        shutil.rmtree(state, ignore_errors=True)
    load1, load5, _ = os.getloadavg()
    print(f"load average at the end: {load1:.2f} (1 min), {load5:.2f} (5 min)")
    median = median_round(rounds)
    failed = sum(r.failed for r in rounds)
    print(f"failed requests in all rounds: {failed}")
    print(f"gateway book_rps={median.rps:.0f} book_p99_ms={median.p99_ms:.2f}")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
