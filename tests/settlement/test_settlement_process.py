"""The settlement process as the stack launches it, killed with SIGKILL during a burst of trades
and restarted, several times: every trade is settled exactly once (each order's ``filled`` on
chain is the sum of its trades) and the ledger matches the chain."""

from __future__ import annotations

import asyncio
import random
import signal
import subprocess
import time
from collections.abc import Callable

import psycopg
import pytest
from solders.pubkey import Pubkey

from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.config import Settings
from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.services.settlement import SettlementService
from tests.settlement.rig import KWH, TradingRig, trading_rig

pytestmark = pytest.mark.integration

TRADES = 80
KILLS = 3
_WAIT_S = 120.0


def _launch(settings: Settings, *extra: str) -> subprocess.Popen[bytes]:
    service = SettlementService(settings)
    service.prepare()
    spec = service.launch_spec()
    group = settings.settlement
    env = {
        **spec.env,
        "GRIDTOKENX_SETTLEMENT__CONSUMER_GROUP": group.consumer_group,
        "GRIDTOKENX_SETTLEMENT__INSTANCE_ID": group.instance_id,
        "GRIDTOKENX_SETTLEMENT__CONFIRM_POLL_MS": "20",
        "GRIDTOKENX_SETTLEMENT__RESEND_INTERVAL_MS": "300",
        "GRIDTOKENX_SETTLEMENT__MAX_LINGER_MS": "50",
        # Orders stay open, so their `filled` on chain can be compared with the trades.
        "GRIDTOKENX_SETTLEMENT__CLAIM": "false",
    }
    log = (service.home / "settlement.log").open("ab")
    try:
        return subprocess.Popen([*spec.argv, *extra], cwd=spec.cwd, env=env, stdout=log, stderr=log)
    finally:
        log.close()


def _count(settings: Settings, status: str) -> int:
    """How many batches have ``status``."""
    with psycopg.connect(settings.postgres.url) as connection:
        row = connection.execute(
            "SELECT count(*) FROM settlement_batches WHERE status = %s", (status,)
        ).fetchone()
    assert row is not None
    return int(row[0])


def _in_flight_after(settings: Settings, settled: int) -> Callable[[], bool]:
    def check() -> bool:
        return _count(settings, "submitted") > 0 and _count(settings, "settled") >= settled

    return check


def _healthy(settings: Settings) -> Callable[[], bool]:
    def check() -> bool:
        try:
            SettlementService(settings).check_health()
        except HealthCheckFailed:
            return False
        return True

    return check


def _wait(predicate: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + _WAIT_S
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.005)
    raise AssertionError(f"timed out waiting for {what}")


def test_sigkill_during_a_burst_settles_each_trade_exactly_once(
    settlement_settings: Settings,
) -> None:
    settings = settlement_settings
    chance = random.Random(6)

    async def scenario() -> None:
        async with trading_rig(
            settings, sellers=4, buyers=4, energy_wh=10_000, usdc_base_units=10**7
        ) as rig:
            sells = [await rig.place(s, OrderSide.SELL, 100_000, 10 * KWH) for s in rig.sellers]
            buys = [await rig.place(b, OrderSide.BUY, 120_000, 10 * KWH) for b in rig.buyers]
            for k in range(TRADES):
                quantity = (k % 7 + 1) * 10_000
                rig.trade(buys[k % 4], sells[(k // 4) % 4], 100_000 + k * 100, quantity)
            rig.produce(settings.market.trades_topic)

            left_in_flight = []
            for kill in range(KILLS):
                process = _launch(settings)
                try:
                    # Kill while a batch is recorded as submitted (before, while or just after
                    # it is sent and lands), a little later each time.
                    progress = 2 * kill
                    _wait(
                        _in_flight_after(settings, progress),
                        f"a submitted batch after {progress} settled ones",
                    )
                    time.sleep(chance.uniform(0.0, 0.01 * kill))
                finally:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                left_in_flight.append(_count(settings, "submitted"))
            # The restarts had batches to resolve from the chain, not only fresh work.
            assert any(left_in_flight), left_in_flight

            # A graceful stop while a batch is in flight: healthy until then, exit code 0.
            polite = _launch(settings)
            try:
                _wait(_in_flight_after(settings, 2 * KILLS), "a batch in flight")
                _wait(_healthy(settings), "the metrics endpoint")
            finally:
                polite.send_signal(signal.SIGTERM)
                assert polite.wait(timeout=30) == 0

            final = _launch(settings, "--exit-when-idle", "10", "--no-metrics")
            assert final.wait(timeout=_WAIT_S) == 0
            await _check_settled_once(rig)

    asyncio.run(scenario())


async def _check_settled_once(rig: TradingRig) -> None:
    assert rig.statuses() == dict.fromkeys(range(1, TRADES + 1), ("settled", None))
    with psycopg.connect(rig.settings.postgres.url) as connection:
        settled_fills = connection.execute(
            "SELECT sum(fill_count) FROM settlement_batches WHERE status = 'settled'"
        ).fetchone()
        in_unsettled = connection.execute(
            """
            SELECT count(*) FROM settlement_trades t JOIN settlement_batches b USING (batch_id)
            WHERE b.status <> 'settled'
            """
        ).fetchone()
        per_order = connection.execute(
            """
            SELECT o, sum(quantity) FROM (
                SELECT buy_order AS o, quantity FROM settlement_trades WHERE status = 'settled'
                UNION ALL
                SELECT sell_order, quantity FROM settlement_trades WHERE status = 'settled'
            ) AS fills GROUP BY o
            """
        ).fetchall()
    assert settled_fills == (TRADES,)
    assert in_unsettled == (0,)
    expected: dict[str, int] = {}
    for trade in rig.trades:
        for order in (trade.buy_order, trade.sell_order):
            expected[order] = expected.get(order, 0) + trade.quantity
    assert {order: int(total) for order, total in per_order} == expected
    for order, total in expected.items():
        state = await rig.order(Pubkey.from_string(order))
        assert state is not None
        assert state.filled == total, f"order {order} filled {state.filled}, trades {total}"
