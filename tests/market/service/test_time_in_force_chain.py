"""Time in force end to end on a private bootstrapped node, with the indexer, the matcher and
the settlement service running as the stack runs them (``tests.utils.market_pipeline``): an IOC
bid trades what it can, the trade settles, and the matcher's key cancels the rest on chain so
the buyer gets its escrow back; a crossing post-only bid is cancelled the same way without
trading; a post-only bid that does not cross rests, and a GTC order is never touched."""

from __future__ import annotations

import asyncio
from pathlib import Path

import psycopg
import pytest
from solders.pubkey import Pubkey

from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.traders import Trader
from gridtokenx.chain.trading.accounts import Order, OrderSide, TimeInForce
from gridtokenx.chain.trading.builders import MarketKeys, OrderRequest, place_order_instruction
from gridtokenx.config import Settings
from gridtokenx.core.money import payment_for_fill
from tests.chain.local_chain import bootstrapped_chain
from tests.utils.market_pipeline import MarketPipeline, market_pipeline
from tests.utils.traders import SOL, trader_funding

pytestmark = pytest.mark.integration

KWH = 1_000_000
USDC = 1_000_000


def _releases(settings: Settings) -> dict[str, tuple[str, str]]:
    """order account → (reason, status) in ``settlement_releases``."""
    with psycopg.connect(settings.postgres.url) as connection:
        rows = connection.execute(
            "SELECT order_account, reason, status FROM settlement_releases"
        ).fetchall()
    return {order: (reason, status) for order, reason, status in rows}


def _mirror(settings: Settings) -> dict[str, tuple[str, str]]:
    """order account → (status, time_in_force) in ``chain_orders``."""
    with psycopg.connect(settings.postgres.url) as connection:
        rows = connection.execute(
            "SELECT order_account, status, time_in_force FROM chain_orders"
        ).fetchall()
    return {order: (status, tif) for order, status, tif in rows}


async def _place(
    client: ChainClient,
    keys: MarketKeys,
    trader: Trader,
    order_id: int,
    side: OrderSide,
    price: int,
    quantity: int,
    time_in_force: TimeInForce,
) -> str:
    source = trader.energy_account if side is OrderSide.SELL else trader.quote_account
    request = OrderRequest(trader.key, order_id, side, price, quantity, source, 0, time_in_force)
    await client.send_and_confirm([place_order_instruction(keys, request)], [], trader.wallet)
    return str(keys.order(trader.key, order_id))


async def _order(client: ChainClient, address: str) -> Order | None:
    account = await client.rpc.get_account_info(Pubkey.from_string(address))
    return Order.decode(account.data) if account is not None else None


async def _scenario(pipeline: MarketPipeline, keys: MarketKeys) -> None:
    settings = pipeline.settings
    async with trader_funding(settings) as funding:
        client = funding.client
        rpc = client.rpc
        seller = await funding.fund(lamports=SOL, energy_wh=3_000)
        buyer = await funding.fund(lamports=SOL, usdc_base_units=USDC)
        poster = await funding.fund(lamports=SOL, usdc_base_units=USDC)
        tif = TimeInForce

        # A resting GTC ask of 1 kWh, then an IOC bid of 3 kWh that takes it.
        ask = await _place(client, keys, seller, 1, OrderSide.SELL, 100_000, KWH, tif.GTC)
        ioc = await _place(client, keys, buyer, 1, OrderSide.BUY, 120_000, 3 * KWH, tif.IOC)
        assert await rpc.get_token_account_balance(buyer.quote_account) == USDC - 360_000
        # Another GTC ask, a post-only bid that would take it and one that rests below it.
        await _place(client, keys, seller, 2, OrderSide.SELL, 100_000, KWH, tif.GTC)
        crossing = await _place(client, keys, poster, 1, OrderSide.BUY, 150_000, KWH, tif.POST_ONLY)
        resting = await _place(client, keys, poster, 2, OrderSide.BUY, 90_000, KWH, tif.POST_ONLY)

        pipeline.wait(
            lambda: (
                _releases(settings)
                == {
                    ioc: ("unfilled_remainder", "cancelled"),
                    crossing: ("post_only_would_cross", "cancelled"),
                }
            ),
            "the IOC rest and the crossing post-only bid cancelled on chain",
        )
        # The IOC bid paid for its one fill and got everything else back, with its GXT.
        paid = payment_for_fill(100_000, KWH)
        assert await _order(client, ioc) is None
        assert await rpc.get_token_account_balance(buyer.quote_account) == USDC - paid
        assert await rpc.get_token_account_balance(buyer.energy_account) == KWH
        # The crossing post-only bid never traded: all its USDC is back, the resting one's not.
        assert await _order(client, crossing) is None
        assert await rpc.get_token_account_balance(poster.quote_account) == USDC - 90_000
        rest = await _order(client, resting)
        assert rest is not None
        assert (rest.time_in_force, rest.escrow, rest.filled) == (tif.POST_ONLY, 90_000, 0)
        # The GTC asks are untouched by the matcher: one filled, one still open.
        filled_ask = await _order(client, ask)
        assert filled_ask is None or filled_ask.filled == KWH
        open_ask = await _order(client, str(keys.order(seller.key, 2)))
        assert open_ask is not None
        assert (open_ask.time_in_force, open_ask.filled) == (tif.GTC, 0)

        # The mirror has each order's time in force; the matcher's cancels made no command.
        pipeline.wait(
            lambda: (
                {k: v for k, v in _mirror(settings).items() if k in (ioc, crossing, resting)}
                == {
                    ioc: ("cancelled", "ioc"),
                    crossing: ("cancelled", "post_only"),
                    resting: ("open", "post_only"),
                }
            ),
            "the mirror to follow the cancels",
        )
        assert [trade.buy_order for trade in pipeline.trades()] == [ioc]
        dead = pipeline.rig.market.read_committed(settings.market.dead_letter_topic, 1)
        assert dead == [], [record.headers() for record in dead]


def test_ioc_and_post_only_escrow_returns_to_the_owner_at_once(
    running_stack: Settings, tmp_path: Path
) -> None:
    with (
        bootstrapped_chain(tmp_path / "node") as chain,
        market_pipeline(running_stack, chain, tmp_path) as pipeline,
    ):
        asyncio.run(_scenario(pipeline, chain.addresses.market_keys()))
        assert pipeline.stop("settlement") == 0
