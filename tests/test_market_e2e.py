"""The market end to end on real services: simulated owners trade through the agents on a
private bootstrapped node; the indexer, the matcher and the settlement service run as the stack
runs them (``tests.utils.market_pipeline``) on scratch topics and a scratch database. Every
trade the matcher publishes ends ``settled`` — but one made on purpose with an ask that expires
before settlement, which ends ``rejected`` with ``OrderExpired`` and moves nothing —, and the
chain agrees with PostgreSQL: each owner's
GXT and USDC (wallet + escrow + claimables of its open orders) moved by exactly its settled
trades (notional and fee floored, docs/onchain.md), the fee vault holds the fees, every order's
``filled`` is the sum of its trades, and the ``chain_orders`` mirror matches the accounts."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from pathlib import Path

import psycopg
import pytest
from solders.pubkey import Pubkey

from gridtokenx.agents.app import run_agents
from gridtokenx.chain.traders import Trader, TraderFunding
from gridtokenx.chain.trading.accounts import Market, Order, OrderSide
from gridtokenx.chain.trading.builders import OrderRequest, place_order_instruction
from gridtokenx.config import AgentsSettings, Settings
from gridtokenx.core.money import payment_for_fill, split_fee
from gridtokenx.market.wire import TradeMessage
from gridtokenx.stack.services.settlement import SettlementService
from tests.agents.rig import AgentsRig, agents_rig
from tests.chain.local_chain import bootstrapped_chain
from tests.utils.market_pipeline import MarketPipeline, market_pipeline
from tests.utils.traders import SOL

pytestmark = pytest.mark.integration

METERS = 16
"""Half prosumers, half consumers: with 8 asks and 8 bids drawn independently around one
reference, some cross in all but about 1 in 12,870 runs."""
EXPORT_WH = 20_000
IMPORT_WH = 8_000
USDC_PER_CONSUMER = 50_000_000
CYCLES = 6
KWH = 1_000_000
EXPIRING_PRICE = 120_000

Balances = dict[Pubkey, tuple[int, int]]
"""owner → (GXT, USDC) base units."""


def _agents(base: Settings) -> Settings:
    return base.model_copy(
        update={
            "agents": AgentsSettings(
                cycle_interval_s=1.0,
                # Funded once before trading, so each owner's start balance is known.
                fund_local=False,
                seed=11,
            )
        }
    )


async def _balances(rig: AgentsRig, owners: list[Pubkey]) -> tuple[Balances, dict[Pubkey, Order]]:
    """Each owner's GXT and USDC in its wallet and its open orders; their open orders."""
    holdings = await rig.chain.holdings(owners)
    orders = await rig.chain.open_orders(owners)
    totals: Balances = {}
    by_address: dict[Pubkey, Order] = {}
    for owner in owners:
        gxt, usdc = holdings[owner].gxt or 0, holdings[owner].usdc or 0
        for order in orders[owner]:
            by_address[rig.chain.keys.order(owner, order.order_id)] = order
            locked = order.escrow
            gxt += order.claimable_energy + (locked if order.side == OrderSide.SELL else 0)
            usdc += order.claimable_quote + (locked if order.side == OrderSide.BUY else 0)
        totals[owner] = (gxt, usdc)
    return totals, by_address


def _settled_trades(settings: Settings) -> list[tuple[str, str, str, str, int, int]]:
    """(buyer, seller, buy order, sell order, price, quantity) of every settled trade."""
    with psycopg.connect(settings.postgres.url) as connection:
        rows = connection.execute(
            "SELECT buyer, seller, buy_order, sell_order, price, quantity FROM settlement_trades "
            "WHERE status = 'settled'"
        ).fetchall()
    return [(b, s, bo, so, int(p), int(q)) for b, s, bo, so, p, q in rows]


def _mirror(settings: Settings) -> dict[str, tuple[str, int, int, int, int]]:
    """order → (status, filled, escrow, claimable energy, claimable quote) in chain_orders."""
    with psycopg.connect(settings.postgres.url) as connection:
        rows = connection.execute(
            "SELECT order_account, status, filled, escrow, claimable_energy, claimable_quote "
            "FROM chain_orders"
        ).fetchall()
    return {row[0]: (row[1], int(row[2]), int(row[3]), int(row[4]), int(row[5])) for row in rows}


def _claims_pending(settings: Settings) -> int:
    with psycopg.connect(settings.postgres.url) as connection:
        row = connection.execute(
            "SELECT count(*) FROM settlement_batches "
            "WHERE status = 'submitted' OR (status = 'settled' AND NOT claims_done)"
        ).fetchone()
    assert row is not None
    return int(row[0])


def _mirror_agrees(
    mirror: dict[str, tuple[str, int, int, int, int]], open_orders: dict[Pubkey, Order]
) -> list[str]:
    """The differences between the mirror and the chain's accounts (empty when they agree)."""
    differences = []
    for address, order in open_orders.items():
        row = mirror.get(str(address))
        state = (order.filled, order.escrow, order.claimable_energy, order.claimable_quote)
        if row is None or row[0] not in ("open", "filled") or row[1:] != state:
            differences.append(f"{address}: chain {state}, mirror {row}")
    live = {str(address) for address in open_orders}
    for account, row in mirror.items():
        if account not in live and row[0] not in ("cancelled", "closed"):
            differences.append(f"{account}: no account on chain, mirror {row}")
    return differences


async def _expiring_trade(
    pipeline: MarketPipeline, rig: AgentsRig, seller: Trader, buyer: Trader
) -> str:
    """A trade the chain refuses, made on purpose: settlement is stopped while ``seller``'s ask
    (expiring in 3 s) and ``buyer``'s crossing bid are matched, and restarted once the ask has
    expired. The ask's address."""
    # It may still be starting (then SIGTERM ends it before its handler is set): no trade
    # exists yet, so any way it stops is fine here.
    pipeline.stop("settlement")
    keys = rig.chain.keys
    expiry = int(time.time()) + 3
    for trader, side, source, order_expiry in (
        (seller, OrderSide.SELL, seller.energy_account, expiry),
        (buyer, OrderSide.BUY, buyer.quote_account, 0),
    ):
        request = OrderRequest(trader.key, 1, side, EXPIRING_PRICE, KWH, source, order_expiry)
        await rig.chain.client.send_and_confirm(
            [place_order_instruction(keys, request)], [], trader.wallet
        )
    pipeline.wait(lambda: len(pipeline.trades()) == 1, "the expiring order's trade")
    while time.time() < expiry + 2:  # the node's clock is wall time, per slot
        await asyncio.sleep(0.2)
    pipeline.start(SettlementService(pipeline.settings))
    return str(keys.order(seller.key, 1))


async def _trade(pipeline: MarketPipeline, rig: AgentsRig, settings: Settings) -> None:
    await rig.mint_exports(dict.fromkeys(rig.prosumers, EXPORT_WH))
    rig.record_imports(dict.fromkeys(rig.consumers, IMPORT_WH))
    await rig.fund(lamports=2 * SOL, usdc_per_consumer=USDC_PER_CONSUMER)
    funding = TraderFunding(rig.chain.client, settings, rig.addresses)
    asker = await funding.fund(lamports=SOL, energy_wh=2_000)
    bidder = await funding.fund(lamports=SOL, usdc_base_units=USDC_PER_CONSUMER)
    owners = [agent.owner for agent in rig.agents] + [asker.key, bidder.key]
    rpc = rig.chain.client.rpc
    market_account = await rpc.get_account_info(rig.addresses.market)
    assert market_account is not None
    market = Market.decode(market_account.data)
    fees_before = await rpc.get_token_account_balance(rig.addresses.fee_vault)
    start, no_orders = await _balances(rig, owners)
    assert not no_orders
    expired_ask = await _expiring_trade(pipeline, rig, asker, bidder)

    report = await run_agents(settings, cycles=CYCLES, agents=rig.agents, addresses=rig.addresses)
    assert not report.failures, report
    assert report.placed["buy"], report
    assert report.placed["sell"], report

    # Every order placed or cancelled reached the matcher, and every trade it made settled.
    commands = 2 + report.placed["buy"] + report.placed["sell"] + report.cancelled
    pipeline.wait(lambda: pipeline.commands() >= commands, f"{commands} order commands")
    pipeline.wait(
        lambda: pipeline.rig.market.committed_offsets() >= commands, "the matcher to catch up"
    )
    trades: list[TradeMessage] = pipeline.trades()
    assert len(trades) > 1, "no agent's bid crossed an ask"
    wanted: dict[tuple[str, int], tuple[str, str | None]] = {
        (trade.market, trade.trade_id): ("settled", None) for trade in trades
    }
    [expired] = [trade for trade in trades if trade.sell_order == expired_ask]
    wanted[expired.market, expired.trade_id] = ("rejected", "OrderExpired")
    pipeline.wait(lambda: pipeline.statuses() == wanted, f"{len(trades)} trades settled")
    pipeline.wait(lambda: _claims_pending(settings) == 0, "the claims of settled batches")
    assert pipeline.stop("settlement") == 0

    # Each owner's tokens moved by exactly its settled trades.
    settled = _settled_trades(settings)
    assert len(settled) == len(trades) - 1
    expected = {owner: list(amounts) for owner, amounts in start.items()}
    filled: dict[str, int] = defaultdict(int)
    fees = 0
    for buyer, seller, buy_order, sell_order, price, quantity in settled:
        notional = payment_for_fill(price, quantity)
        net, fee = split_fee(notional, market.fee_bps)
        fees += fee
        expected[Pubkey.from_string(buyer)][0] += quantity
        expected[Pubkey.from_string(buyer)][1] -= notional
        expected[Pubkey.from_string(seller)][0] -= quantity
        expected[Pubkey.from_string(seller)][1] += net
        filled[buy_order] += quantity
        filled[sell_order] += quantity
    end, open_orders = await _balances(rig, owners)
    assert end == {owner: (gxt, usdc) for owner, (gxt, usdc) in expected.items()}
    assert await rpc.get_token_account_balance(rig.addresses.fee_vault) - fees_before == fees

    # Every order's `filled` is the sum of its trades: on chain while open, in the mirror (and
    # closed) once claimed.
    async def mirror_differences() -> list[str]:
        return _mirror_agrees(_mirror(settings), (await _balances(rig, owners))[1])

    deadline = asyncio.get_running_loop().time() + 60
    while (
        differences := await mirror_differences()
    ) and asyncio.get_running_loop().time() < deadline:
        pipeline.check_running()
        await asyncio.sleep(0.2)
    assert not differences, differences
    mirror = _mirror(settings)
    assert commands - report.cancelled == len(mirror)
    for address, order in open_orders.items():
        assert order.filled == filled.get(str(address), 0), address
    for account, (status, mirrored_filled, *_) in mirror.items():
        assert mirrored_filled == filled.get(account, 0), (account, status)


def test_agents_trade_and_every_trade_settles_with_balances_matching(
    running_stack: Settings, tmp_path: Path
) -> None:
    with (
        bootstrapped_chain(tmp_path / "node") as chain,
        market_pipeline(running_stack, chain, tmp_path) as pipeline,
    ):
        settings = _agents(pipeline.settings)

        async def scenario() -> None:
            async with agents_rig(settings, 9_601, METERS) as rig:
                await _trade(pipeline, rig, settings)

        asyncio.run(scenario())
