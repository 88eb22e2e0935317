"""The settlement service against a private chain, the real Kafka and a scratch database: real
orders, the matcher's trades, every trade settled once, owners paid by the claims, refused fills
rejected with the program's reason while their batch mates settle."""

from __future__ import annotations

import asyncio
import threading
import time

import psycopg
import pytest

from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.config import Settings
from gridtokenx.settlement.app import SettlementReport, serve
from tests.settlement.rig import KWH, trading_rig

pytestmark = pytest.mark.integration

USDC = 1_000_000
ASK = 100_000
BID = 120_000
PRICE = 110_000


def _notional(price: int, quantity: int) -> int:
    return price * quantity // KWH


async def _settle(settings: Settings) -> SettlementReport:
    return await serve(settings, threading.Event(), exit_when_idle=5)


def _claims(settings: Settings) -> dict[str, list[str]]:
    with psycopg.connect(settings.postgres.url) as connection:
        rows = connection.execute(
            "SELECT order_address, status FROM settlement_claims ORDER BY claim_id"
        ).fetchall()
    found: dict[str, list[str]] = {}
    for order, status in rows:
        found.setdefault(order, []).append(status)
    return found


def _batches(settings: Settings) -> list[tuple[str, int]]:
    with psycopg.connect(settings.postgres.url) as connection:
        rows = connection.execute(
            "SELECT status, fill_count FROM settlement_batches ORDER BY batch_id"
        ).fetchall()
    return [(status, fills) for status, fills in rows]


def test_trades_settle_once_and_owners_receive_their_tokens(
    settlement_settings: Settings,
) -> None:
    settings = settlement_settings
    quantity = 5 * KWH // 2

    async def scenario() -> None:
        async with trading_rig(
            settings, sellers=4, buyers=4, energy_wh=10_000, usdc_base_units=10 * USDC
        ) as rig:
            keys = rig.keys
            sells = [
                await rig.place(seller, OrderSide.SELL, ASK, 10 * KWH) for seller in rig.sellers
            ]
            buys = [await rig.place(buyer, OrderSide.BUY, BID, 10 * KWH) for buyer in rig.buyers]
            for buy in buys:
                for sell in sells:
                    rig.trade(buy, sell, PRICE, quantity)
            fee_vault_before = await rig.client.rpc.get_token_account_balance(keys.fee_vault)
            rig.produce(settings.market.trades_topic, extra=[b"not json", b'{"v": 2}'], twice=True)

            report = await _settle(settings)

            assert report.intake.received == 16
            assert report.intake.duplicates == 16
            assert report.intake.malformed == {"malformed": 1, "unsupported_version": 1}
            assert rig.statuses() == dict.fromkeys(range(1, 17), ("settled", None))
            batches = _batches(settings)
            assert {status for status, _ in batches} == {"settled"}
            assert sum(fills for _, fills in batches) == 16
            assert max(fills for _, fills in batches) == 10  # full batches when trades wait
            fee = _notional(PRICE, quantity) * rig.addresses.fee_bps // 10_000
            for buy in buys:
                assert await rig.order(buy.address) is None  # filled, claimed and closed
                assert await rig.balance(buy.owner, keys.energy_mint) == 10 * KWH
                paid = 4 * _notional(PRICE, quantity)
                assert await rig.balance(buy.owner, keys.quote_mint) == 10 * USDC - paid
            for sell in sells:
                assert await rig.order(sell.address) is None
                assert await rig.balance(sell.owner, keys.energy_mint) == 0
                proceeds = 4 * (_notional(PRICE, quantity) - fee)
                assert await rig.balance(sell.owner, keys.quote_mint) == proceeds
            fee_vault_after = await rig.client.rpc.get_token_account_balance(keys.fee_vault)
            assert fee_vault_after - fee_vault_before == 16 * fee
            claims = _claims(settings)
            for order in [*buys, *sells]:
                assert "claimed" in claims[str(order.address)]

            # A second run finds nothing to do: no trade is settled twice.
            rig.produce(settings.market.trades_topic)
            again = await _settle(settings)
            assert again.intake.received == 0
            assert again.settler.settled == 0
            assert _batches(settings) == batches

    asyncio.run(scenario())


def test_refused_fills_are_rejected_with_the_reason_and_the_others_settle(
    settlement_settings: Settings,
) -> None:
    settings = settlement_settings

    async def scenario() -> None:
        async with trading_rig(
            settings, sellers=2, buyers=3, energy_wh=10_000, usdc_base_units=10 * USDC
        ) as rig:
            s0, s1 = [await rig.place(s, OrderSide.SELL, ASK, 10 * KWH) for s in rig.sellers]
            kept = await rig.place(rig.buyers[0], OrderSide.BUY, BID, 10 * KWH)
            cancelled = await rig.place(rig.buyers[1], OrderSide.BUY, BID, 10 * KWH)
            expiry = int(time.time()) + 3
            expiring = await rig.place(rig.buyers[2], OrderSide.BUY, BID, 10 * KWH, expiry)
            rig.trade(kept, s0, PRICE, KWH)  # 1
            rig.trade(cancelled, s0, PRICE, KWH)  # 2: its buyer cancels before settlement
            rig.trade(kept, s1, PRICE, KWH)  # 3
            rig.trade(expiring, s1, PRICE, KWH)  # 4: expires before settlement
            rig.trade(cancelled, s1, PRICE, KWH)  # 5
            rig.trade(kept, s0, PRICE, KWH)  # 6
            await rig.cancel(cancelled)
            while time.time() < expiry + 2:  # the node's clock is wall time, per slot
                await asyncio.sleep(0.2)
            rig.produce(settings.market.trades_topic)

            report = await _settle(settings)

            assert rig.statuses() == {
                1: ("settled", None),
                2: ("rejected", "WrongAccountOwner"),
                3: ("settled", None),
                4: ("rejected", "OrderExpired"),
                5: ("rejected", "WrongAccountOwner"),
                6: ("settled", None),
            }
            assert report.settler.rejected == {"WrongAccountOwner": 2, "OrderExpired": 1}
            assert _batches(settings) == [("settled", 3)]
            order = await rig.order(kept.address)
            assert order is not None
            assert (order.filled, order.claimable_energy) == (3 * KWH, 0)  # claimed, still open
            assert await rig.balance(kept.owner, rig.keys.energy_mint) == 3 * KWH
            for sell, filled in ((s0, 2 * KWH), (s1, KWH)):
                state = await rig.order(sell.address)
                assert state is not None
                assert (state.filled, state.claimable_quote) == (filled, 0)
            expired = await rig.order(expiring.address)
            assert expired is not None
            assert expired.filled == 0

    asyncio.run(scenario())
