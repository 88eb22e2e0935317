"""My fills and settlements on the trading page, from a real trade: the development wallet sells
through the gateway in Debian's Chromium, a second trader buys on the private chain, and the
indexer, matcher and settlement service run as the stack runs them (``tests.utils.
market_pipeline``: scratch topics and database); the gateway process reads that database. The
page shows the fill as settled with the ``settle`` transaction's signature, and the settlement
with what was sold and received — the same rows and signature PostgreSQL holds."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from solders.keypair import Keypair

from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.chain.trading.builders import OrderRequest, place_order_instruction
from gridtokenx.config import Settings, get_settings
from gridtokenx.core.money import payment_for_fill
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.utils.market_pipeline import MarketPipeline, market_pipeline
from tests.utils.traders import SOL, trader_funding
from tests.web.next_app import Browser, prepare_web, trading_app_with_gateway

pytestmark = pytest.mark.integration

PRICE = 100_000
QUANTITY = 2_000_000


@pytest.fixture(scope="module")
def local_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    prepare_web(get_settings(), "trading")
    with bootstrapped_chain(tmp_path_factory.mktemp("web-history-chain")) as chain:
        yield chain


@pytest.fixture
def pipeline(
    running_stack: Settings, local_chain: LocalChain, tmp_path: Path
) -> Iterator[MarketPipeline]:
    with market_pipeline(running_stack, local_chain, tmp_path) as pipeline:
        yield pipeline


@pytest.fixture
def browser(
    running_stack: Settings, local_chain: LocalChain, pipeline: MarketPipeline, tmp_path: Path
) -> Iterator[Browser]:
    with trading_app_with_gateway(
        running_stack,
        local_chain,
        tmp_path,
        settings=pipeline.settings,
        database=pipeline.settings.postgres,
    ) as browser:
        yield browser


async def _fund_seller(local_chain: LocalChain, wallet: Keypair) -> None:
    async with trader_funding(local_chain.settings) as funding:
        await funding.fund(wallet, lamports=2 * SOL, energy_wh=3_000)


async def _buy(local_chain: LocalChain) -> None:
    """A second trader's crossing bid, placed on chain as any wallet would."""
    async with trader_funding(local_chain.settings) as funding:
        buyer = await funding.fund(lamports=2 * SOL, usdc_base_units=1_000_000)
        request = OrderRequest(buyer.key, 1, OrderSide.BUY, PRICE, QUANTITY, buyer.quote_account)
        keys = local_chain.addresses.market_keys()
        await funding.client.send_and_confirm(
            [place_order_instruction(keys, request)], [], buyer.wallet
        )


def _settled(pipeline: MarketPipeline) -> tuple[str, str, int] | None:
    """(the trade's settle signature, the batch's signature, trade id) once settled."""
    with psycopg.connect(pipeline.settings.postgres.url) as connection:
        row = connection.execute(
            "SELECT t.settled_signature, b.signature, t.trade_id FROM settlement_trades t "
            "JOIN settlement_batches b USING (batch_id) "
            "WHERE t.status = 'settled' AND b.status = 'settled'"
        ).fetchone()
    return None if row is None else (str(row[0]), str(row[1]), int(row[2]))


def test_a_sell_that_trades_shows_its_fill_and_settlement_with_signatures(
    local_chain: LocalChain, pipeline: MarketPipeline, browser: Browser
) -> None:
    connected = browser.run("connect")
    wallet = Keypair.from_base58_string(str(connected["secretKey"]))
    asyncio.run(_fund_seller(local_chain, wallet))
    # The funding registered a solar meter of the wallet's (zone 1) and minted 3 kWh for it
    # directly on the Registry: the energy page shows it from the chain; the platform recorded
    # no reading or mint of it (its readings and mints routes answer meter_not_found).
    energy = browser.run("energy")
    assert energy["meters"] == [
        {"status": "active", "zone": "1", "mintedWh": "3000", "source": "chain"}
    ]
    assert "No readings in this range" in str(energy["production"])
    assert "no records of this meter" in str(energy["production"])
    assert "Nothing minted yet" in str(energy["mints"])
    assert energy["pageErrors"] == []
    placed = browser.run(
        "order", {"orders": 1}, order={"side": "sell", "price": "0.1", "quantity": "2"}
    )
    assert "errorCode" not in placed, placed.get("error")

    asyncio.run(_buy(local_chain))
    pipeline.wait(lambda: _settled(pipeline) is not None, "the trade to settle")
    settled = _settled(pipeline)
    assert settled is not None
    fill_signature, batch_signature, trade_id = settled

    shown = browser.run("history", {"tradeId": str(trade_id)})
    assert shown["fills"] == [
        {"tradeId": str(trade_id), "status": "settled", "signature": fill_signature}
    ]
    assert shown["settlements"] == [
        {
            "status": "settled",
            "trades": str(trade_id),
            "signature": batch_signature,
            "sold": str(QUANTITY),
            "received": str(payment_for_fill(PRICE, QUANTITY)),  # gross, before the fee
        }
    ]
    assert shown["signedInWithoutClick"] is True
    assert shown["externalRequests"] == []
    assert shown["pageErrors"] == []
