"""The stack's indexer service: launched as the stack launches it, healthy by its metrics,
publishing what the chain holds, stopping cleanly on SIGTERM."""

from __future__ import annotations

import time

import pytest

from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.config import Settings
from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.services.indexer import IndexerService
from tests.chain.local_chain import LocalChain
from tests.indexer.rig import indexer_rig, on_chain
from tests.indexer.traders import Desk
from tests.utils.ports import free_port
from tests.utils.service_process import launched

pytestmark = pytest.mark.integration


def test_the_indexer_is_healthy_while_it_runs_and_stops_cleanly(
    running_stack: Settings, indexer_chain: LocalChain
) -> None:
    with indexer_rig(running_stack, indexer_chain) as rig:
        settings = rig.settings.model_copy(
            update={
                "indexer": rig.settings.indexer.model_copy(update={"metrics_port": free_port()})
            }
        )

        async def place(desk: Desk) -> None:
            buyer = await desk.trader(usdc=1_000_000)
            await desk.place(buyer, 3, OrderSide.BUY, 50_000, 2_000_000)

        on_chain(rig, place)
        service = IndexerService(settings)
        with pytest.raises(HealthCheckFailed):
            service.check_health()
        with launched(service, rig.environment()) as run:
            deadline = time.monotonic() + 30
            while not rig.commands():
                assert time.monotonic() < deadline, "the indexer published nothing"
                time.sleep(0.1)
        assert run.returncode == 0, run.output
        assert "indexed transactions=1 failed=0 adds=1 cancels=0 " in run.output
        [command] = rig.commands()
        assert command.market == str(rig.chain.addresses.market)
