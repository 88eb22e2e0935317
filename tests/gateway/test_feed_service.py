"""The stack's market-feed service: launched as the stack launches it (`gridtokenx gateway
feed`), healthy by its metrics, writing snapshots for the matcher's records, stopping on
SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest
import redis

from gridtokenx.config import Settings
from gridtokenx.gateway.feed.bus import BusKeys
from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.services.market_feed import MarketFeedService
from tests.gateway.market_feed import market_data_pipeline, wait_for
from tests.utils.ports import free_port

pytestmark = pytest.mark.integration


def _healthy(service: MarketFeedService) -> bool:
    try:
        service.check_health()
    except HealthCheckFailed:
        return False
    return True


def test_the_feed_process_publishes_snapshots_and_stops_cleanly(
    running_stack: Settings, tmp_path: Path
) -> None:
    with market_data_pipeline(running_stack) as (piped, matcher, in_test_feed):
        in_test_feed.stop()
        settings = piped.model_copy(
            update={
                "state_dir": tmp_path,
                "market_data": piped.market_data.model_copy(update={"metrics_port": free_port()}),
            }
        )
        service = MarketFeedService(settings)
        assert not _healthy(service)
        service.prepare()
        matcher.run(120)
        spec = service.launch_spec()
        process = subprocess.Popen(
            spec.argv, cwd=spec.cwd, env=spec.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        client = redis.Redis(host=settings.redis.host, port=settings.redis.port)
        keys = BusKeys(settings.market_data.redis_prefix)
        try:
            wait_for(lambda: _healthy(service), "the feed's metrics")
            for market in matcher.reference.sessions:
                sequence = matcher.book_sequence(market)

                def stored(market: str = market) -> int:
                    raw = client.get(keys.snapshot(f"book:{market}"))
                    return 0 if raw is None else int(json.loads(raw)["sequence"])

                wait_for(lambda s=sequence, f=stored: f() == s, f"the book of {market}")  # type: ignore[misc]
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=30)
            client.close()
        assert process.returncode == 0, output.decode()[-2000:]
