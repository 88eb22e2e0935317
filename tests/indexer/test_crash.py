"""``kill -9`` of the indexer in the middle of a catch-up: after a restart every order's command
is on the topic in chain order, and the only repeats are those the matcher refuses."""

from __future__ import annotations

import subprocess
import time

import pytest

from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.config import Settings
from gridtokenx.market.wire import AddCommand
from gridtokenx.stack.services.indexer import IndexerService
from tests.chain.local_chain import LocalChain
from tests.indexer.rig import Rig, indexer_rig, on_chain
from tests.indexer.traders import Desk
from tests.market.service.private_market import PARTITIONS

pytestmark = pytest.mark.integration

ORDERS = 30


def _launch(rig: Rig, *extra: str) -> subprocess.Popen[bytes]:
    service = IndexerService(rig.settings)
    spec = service.launch_spec()
    return subprocess.Popen(
        [*spec.argv, "--no-metrics", *extra],
        cwd=rig.settings.state_dir,
        env={
            **rig.environment(),
            **spec.env,
            "GRIDTOKENX_INDEXER__BATCH_TRANSACTIONS": "1",
            "GRIDTOKENX_INDEXER__POLL_INTERVAL_MS": "50",
            "GRIDTOKENX_INDEXER__SUBSCRIBE": "false",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_kill_9_during_catch_up_loses_nothing_and_repeats_only_refused_commands(
    running_stack: Settings, indexer_chain: LocalChain
) -> None:
    with indexer_rig(running_stack, indexer_chain) as rig:

        async def place(desk: Desk) -> list[str]:
            buyer = await desk.trader(usdc=10_000_000)
            for order_id in range(ORDERS):
                await desk.place(buyer, order_id, OrderSide.BUY, 10_000 + order_id, 1_000_000)
            return [str(desk.order(buyer, order_id)) for order_id in range(ORDERS)]

        orders = on_chain(rig, place)
        first = _launch(rig)
        try:
            deadline = time.monotonic() + 60
            while len(rig.commands()) < 3:
                assert first.poll() is None, first.communicate()[0].decode()
                assert time.monotonic() < deadline, "the indexer published nothing"
                time.sleep(0.02)
        finally:
            first.kill()
            killed_output, _ = first.communicate(timeout=30)
        published_before_kill = len(rig.commands())

        second = _launch(rig, "--exit-when-idle", "2")
        output, _ = second.communicate(timeout=120)
        assert second.returncode == 0, output.decode()

        commands = rig.commands()
        logs = f"killed run:\n{killed_output.decode()}\nrestart:\n{output.decode()}"
        seen = [c.order for c in commands if isinstance(c, AddCommand)]
        assert len(seen) == len(commands)
        first_seen = list(dict.fromkeys(seen))
        assert first_seen == orders, logs  # nothing lost, chain order kept
        # The repeats are one contiguous re-production of the batches whose cursor commit the
        # kill interrupted: the list is orders[:k] + orders[j:] with j <= k.
        k = published_before_kill
        j = ORDERS - (len(seen) - k)
        assert seen == orders[:k] + orders[j:], logs
        assert 0 <= j <= k, logs

        applied, refused = rig.match(len(seen))
        assert applied == len(seen)
        assert sum(refused.values()) == k - j, (refused, logs)
        assert set(refused) <= {"duplicate", "out_of_order"}, refused
        assert not rig.market.read_committed(rig.settings.market.trades_topic, PARTITIONS)
