"""A real trade behind the trading app: the development wallet sells through a gateway process,
a second trader buys on the private chain, and the market pipeline (indexer, matcher, settlement:
``tests.utils.market_pipeline``, scratch topics and database) settles it."""

from __future__ import annotations

import psycopg
from solders.keypair import Keypair

from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.chain.trading.builders import OrderRequest, place_order_instruction
from tests.chain.local_chain import LocalChain
from tests.utils.market_pipeline import MarketPipeline
from tests.utils.traders import SOL, trader_funding

PRICE = 100_000
"""USDC base units per kWh of the trade (0.1 USDC)."""
QUANTITY = 2_000_000
"""GXT base units of the trade (2 kWh)."""


async def fund_seller(local_chain: LocalChain, wallet: Keypair) -> None:
    async with trader_funding(local_chain.settings) as funding:
        await funding.fund(wallet, lamports=2 * SOL, energy_wh=3_000)


async def buy(local_chain: LocalChain) -> None:
    """A second trader's crossing bid, placed on chain as any wallet would."""
    async with trader_funding(local_chain.settings) as funding:
        buyer = await funding.fund(lamports=2 * SOL, usdc_base_units=1_000_000)
        request = OrderRequest(buyer.key, 1, OrderSide.BUY, PRICE, QUANTITY, buyer.quote_account)
        keys = local_chain.addresses.market_keys()
        await funding.client.send_and_confirm(
            [place_order_instruction(keys, request)], [], buyer.wallet
        )


def settled(pipeline: MarketPipeline) -> tuple[str, str, int] | None:
    """(the trade's settle signature, the batch's signature, trade id) once settled."""
    with psycopg.connect(pipeline.settings.postgres.url) as connection:
        row = connection.execute(
            "SELECT t.settled_signature, b.signature, t.trade_id FROM settlement_trades t "
            "JOIN settlement_batches b USING (batch_id) "
            "WHERE t.status = 'settled' AND b.status = 'settled'"
        ).fetchone()
    return None if row is None else (str(row[0]), str(row[1]), int(row[2]))
