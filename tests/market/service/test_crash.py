"""kill -9 of the matcher during a burst, several times: identical books, every trade once."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from gridtokenx.config import Settings
from gridtokenx.market.wire import decode_book_delta, decode_trade
from tests.market.service.commands import LogWriter, Reference
from tests.market.service.private_market import PARTITIONS, PrivateMarket, private_market

pytestmark = pytest.mark.integration

BURSTS = (900, 900, 900)
"""Commands published before each kill; the matcher is killed part-way through each backlog."""


def _matcher(market: PrivateMarket, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        # The stack's own matcher may already serve metrics on the default port.
        [sys.executable, "-m", "gridtokenx", "market", "match", "--no-metrics", *extra],
        env=market.environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_kill_9_during_a_burst_loses_and_repeats_no_trade(running_stack: Settings) -> None:
    writer = LogWriter(seed=11)
    reference = Reference()
    published = 0
    with private_market(running_stack, batch_size=10, snapshot_every_commands=150) as market:
        for burst in BURSTS:
            commands = writer.burst(burst)
            placed = market.publish_commands(commands)
            for command, (partition, offset) in zip(commands, placed, strict=True):
                reference.apply(command, partition, offset)
            published += burst
            # Just after this run starts publishing: most of the burst is still to match.
            threshold = published - burst + 100
            process = _matcher(market)
            deadline = time.monotonic() + 60
            while market.committed_offsets() < threshold and time.monotonic() < deadline:
                time.sleep(0.02)
            process.send_signal(signal.SIGKILL)
            process.wait()
            assert market.committed_offsets() < published, "killed too late to test a crash"
        finished = _matcher(market, "--exit-when-idle", "5")
        output, _ = finished.communicate(timeout=120)
        assert finished.returncode == 0, output.decode()

        trades = [
            decode_trade(r.value() or b"")
            for r in market.read_committed(market.market.trades_topic, PARTITIONS)
        ]
        deltas = [
            decode_book_delta(r.value() or b"")
            for r in market.read_committed(market.market.book_deltas_topic, PARTITIONS)
        ]
        refused = market.read_committed(market.market.dead_letter_topic, 1)
        store = market.store()
        try:
            checkpoints = [store.latest(partition) for partition in range(PARTITIONS)]
        finally:
            store.close()

    # Every trade exactly once, in each market's order, as the pure run made it.
    assert len(reference.trades) > 300
    keys = Counter((t.market, t.trade_id) for t in trades)
    assert max(keys.values()) == 1
    for market_address in reference.sessions:
        assert [t for t in trades if t.market == market_address] == [
            t for t in reference.trades if t.market == market_address
        ]
        assert [d for d in deltas if d.market == market_address] == [
            d for d in reference.deltas if d.market == market_address
        ]
    assert len(refused) == len(reference.rejections)
    # The books the service ends with are those of a pure replay of every command.
    restored = {}
    for checkpoint in checkpoints:
        if checkpoint is None:
            continue
        restored.update(checkpoint.sessions)
    assert set(restored) == set(reference.sessions)
    for market_address, session in reference.sessions.items():
        assert restored[market_address].snapshot() == session.snapshot()
