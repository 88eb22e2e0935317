"""`gridtokenx agents run` as the stack launches it: healthy on its metrics port, trading for
the stored scenario's owners, and stopping cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import Awaitable, Callable

import pytest

from gridtokenx.config import AgentsSettings, Settings
from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.services.agents import AgentsService
from tests.agents.rig import agents_rig
from tests.chain.node.node_process import free_port

pytestmark = pytest.mark.integration

_WAIT_S = 60.0


async def _wait(predicate: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + _WAIT_S
    while time.monotonic() < deadline:
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_agents_process_trades_and_stops_on_sigterm(agents_base_settings: Settings) -> None:
    agents = AgentsSettings(metrics_port=free_port())
    settings = agents_base_settings.model_copy(update={"agents": agents})
    service = AgentsService(settings)
    service.prepare()
    spec = service.launch_spec()
    env = {
        **spec.env,
        "GRIDTOKENX_AGENTS__CYCLE_INTERVAL_S": "0.2",
        "GRIDTOKENX_CHAIN__POLL_INTERVAL_S": "0.05",
        "GRIDTOKENX_CHAIN__RESEND_INTERVAL_S": "0.2",
    }
    log_path = service.home / "agents.log"

    async def healthy() -> bool:
        try:
            service.check_health()
        except HealthCheckFailed:
            return False
        return True

    async def scenario() -> None:
        async with agents_rig(settings, 9_201, 4) as rig:
            seller = rig.prosumers[0]
            await rig.mint_exports({seller: 3_000})

            async def sell_order_placed() -> bool:
                return len(await rig.orders(seller)) == 1

            with log_path.open("ab") as log:
                process = subprocess.Popen(spec.argv, cwd=spec.cwd, env=env, stdout=log, stderr=log)
            try:
                await _wait(healthy, "the metrics endpoint")
                await _wait(sell_order_placed, "the prosumer's sell order")
            finally:
                process.send_signal(signal.SIGTERM)
                assert process.wait(timeout=30) == 0, log_path.read_text()[-2_000:]

    asyncio.run(scenario())
    summary = log_path.read_text().splitlines()[-1]
    assert summary.startswith("agents agents=4 placed_buy=0 placed_sell=1 "), summary
