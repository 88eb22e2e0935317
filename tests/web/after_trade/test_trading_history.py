"""My fills and settlements on the trading page, from a real trade: the development wallet sells
through the gateway in Debian's Chromium, a second trader buys on the private chain, and the
indexer, matcher and settlement service run as the stack runs them (``tests.utils.
market_pipeline``: scratch topics and database); the gateway process reads that database. The
page shows the fill as settled with the ``settle`` transaction's signature, and the settlement
with what was sold and received — the same rows and signature PostgreSQL holds."""

from __future__ import annotations

import asyncio

import pytest
from solders.keypair import Keypair

from gridtokenx.core.money import payment_for_fill
from tests.chain.local_chain import LocalChain
from tests.utils.market_pipeline import MarketPipeline
from tests.web.after_trade.trade_rig import (
    PRICE,
    QUANTITY,
    buy,
    fund_seller,
    settled,
)
from tests.web.next_app import Browser

pytestmark = pytest.mark.integration


def test_a_sell_that_trades_shows_its_fill_and_settlement_with_signatures(
    local_chain: LocalChain, pipeline: MarketPipeline, browser: Browser
) -> None:
    connected = browser.run("connect")
    wallet = Keypair.from_base58_string(str(connected["secretKey"]))
    asyncio.run(fund_seller(local_chain, wallet))
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

    asyncio.run(buy(local_chain))
    pipeline.wait(lambda: settled(pipeline) is not None, "the trade to settle")
    trade = settled(pipeline)
    assert trade is not None
    fill_signature, batch_signature, trade_id = trade

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
