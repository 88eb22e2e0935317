"""The minting process as the stack launches it, killed with SIGKILL mid-run and restarted:
nothing is minted twice and the ledger ends equal to the chain."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
import uuid
from collections.abc import Callable

import httpx
import psycopg
import pytest

from gridtokenx.config import Settings
from gridtokenx.minting.core import GXT_BASE_UNITS_PER_WH, ChainRegisters
from gridtokenx.simulator.config import FleetConfig, KindMix
from gridtokenx.stack.services.minting import MintingService
from tests.chain.node.node_process import free_port
from tests.minting.rig import START_MS, MintRig, mint_rig

pytestmark = pytest.mark.integration

METERS = 30
MINUTE_MS = 60_000
_WAIT_S = 60.0


def _launch(settings: Settings, *extra: str) -> subprocess.Popen[bytes]:
    service = MintingService(settings)
    service.prepare()
    spec = service.launch_spec()
    env = {
        **spec.env,
        "GRIDTOKENX_MINTING__INTERVAL_S": "0.2",
        "GRIDTOKENX_CHAIN__POLL_INTERVAL_S": "0.05",
        "GRIDTOKENX_CHAIN__RESEND_INTERVAL_S": "0.2",
    }
    log = (service.home / "minting.log").open("ab")
    try:
        return subprocess.Popen([*spec.argv, *extra], cwd=spec.cwd, env=env, stdout=log, stderr=log)
    finally:
        log.close()


def _submissions(settings: Settings) -> int:
    with psycopg.connect(settings.postgres.url) as connection:
        row = connection.execute("SELECT count(*) FROM mint_submissions").fetchone()
    assert row is not None
    return int(row[0])


def _confirmed_per_meter(settings: Settings) -> dict[uuid.UUID, int]:
    with psycopg.connect(settings.postgres.url) as connection:
        rows = connection.execute(
            "SELECT meter_id, count(*) FROM mint_submissions WHERE status = 'confirmed' "
            "GROUP BY meter_id"
        ).fetchall()
    return dict(rows)


def _wait(predicate: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + _WAIT_S
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def test_sigkill_mid_run_then_restart_mints_each_reading_once(minting_settings: Settings) -> None:
    minting = minting_settings.minting.model_copy(update={"metrics_port": free_port()})
    settings = minting_settings.model_copy(update={"minting": minting})
    exports_wh = [100 * (index + 1) + index for index in range(METERS)]

    async def scenario() -> None:
        config = FleetConfig(
            meter_count=METERS,
            seed=801,
            mix=KindMix(consumer=0, solar_prosumer=1, battery_prosumer=0, ev_charger=0),
        )
        async with mint_rig(settings, config) as rig:
            await rig.process.cycle()  # register the fleet
            for index, export_wh in enumerate(exports_wh):
                rig.ingest(index, export_wh, 0, START_MS + MINUTE_MS)

            first = _launch(settings)
            try:
                _wait(lambda: _submissions(settings) > 0, "the first submission")
            finally:
                first.send_signal(signal.SIGKILL)
                first.wait()

            second = _launch(settings)
            try:
                metrics_url = f"http://{settings.minting.metrics_host}:{settings.minting.metrics_port}/metrics"
                # A finished cycle also means the process handles SIGTERM by now.
                _wait(
                    lambda: _all_confirmed(settings) and _cycles(metrics_url) >= 1,
                    "every reading to be confirmed",
                )
            finally:
                second.send_signal(signal.SIGTERM)
                assert second.wait(timeout=30) == 0

            await _check_minted_once(rig, exports_wh)

    asyncio.run(scenario())


def _cycles(metrics_url: str) -> float:
    try:
        text = httpx.get(metrics_url, timeout=3.0).text
    except httpx.HTTPError:
        return 0.0
    for line in text.splitlines():
        if line.startswith("gridtokenx_mint_cycles_total "):
            return float(line.split()[1])
    return 0.0


def _all_confirmed(settings: Settings) -> bool:
    confirmed = _confirmed_per_meter(settings)
    return len(confirmed) == METERS


async def _check_minted_once(rig: MintRig, exports_wh: list[int]) -> None:
    assert set(_confirmed_per_meter(rig.settings).values()) == {1}
    for index, export_wh in enumerate(exports_wh):
        assert await rig.balance_base_units(index) == export_wh * GXT_BASE_UNITS_PER_WH
        account = await rig.meter_account(index)
        assert account.minted_wh == export_wh
        assert rig.process.ledger.registers(rig.meters[index].meter_id) == ChainRegisters(
            export_wh, 0, START_MS + MINUTE_MS, export_wh
        )
