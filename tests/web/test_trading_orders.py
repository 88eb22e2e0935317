"""The trading page's orders without custody, in Debian's Chromium: the development wallet signs
in with a real gateway process (scratch database, the shared Redis, a private chain), places a
sell through prepare → wallet signature → submit, sees it on chain with its escrow and in its
open orders, cancels it (the escrow comes back) and is told in words when an order is too big.

The app (on its own port) and the gateway (on another) are different origins: the gateway's CORS
allows the app's origin with credentials, and its sign-in domain is the app's."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature

from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.spl_token import associated_token_address
from gridtokenx.chain.trading.accounts import Order
from gridtokenx.config import Settings, get_settings
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.utils.traders import trader_funding
from tests.web.next_app import Browser, prepare_web, trading_app_with_gateway

pytestmark = pytest.mark.integration

SOL = 1_000_000_000


@pytest.fixture(scope="module")
def local_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    prepare_web(get_settings(), "trading")
    with bootstrapped_chain(tmp_path_factory.mktemp("web-orders-chain")) as chain:
        yield chain


@pytest.fixture
def browser(running_stack: Settings, local_chain: LocalChain, tmp_path: Path) -> Iterator[Browser]:
    """The production build on one port and a gateway process on another, both on the chain."""
    with trading_app_with_gateway(running_stack, local_chain, tmp_path) as browser:
        yield browser


async def _fund_with_energy(local_chain: LocalChain, wallet: Keypair, energy_wh: int) -> None:
    async with trader_funding(local_chain.settings) as funding:
        await funding.fund(wallet, lamports=2 * SOL, energy_wh=energy_wh)


async def _order_and_gxt(
    local_chain: LocalChain, owner: Pubkey, order_id: int
) -> tuple[Order | None, int]:
    addresses = local_chain.addresses
    address = addresses.market_keys().order(owner, order_id)
    async with ChainClient.from_settings(local_chain.settings.chain) as client:
        account = await client.rpc.get_account_info(address)
        gxt = await client.rpc.get_token_account_balance(
            associated_token_address(owner, addresses.gxt_mint)
        )
    return (Order.decode(account.data) if account else None), gxt


def test_the_dev_wallet_signs_in_places_and_cancels_a_sell_through_the_gateway(
    local_chain: LocalChain, browser: Browser
) -> None:
    connected = browser.run("connect")
    wallet = Keypair.from_base58_string(str(connected["secretKey"]))
    asyncio.run(_fund_with_energy(local_chain, wallet, energy_wh=3_000))

    placed = browser.run(
        "order", {"orders": 1}, order={"side": "sell", "price": "0.1", "quantity": "2"}
    )
    assert placed["maximum"] == str(3_000_000)
    assert placed["escrow"] == "2 GXT"
    # The gateway's refresh cookie, set across origins (same site: both on 127.0.0.1).
    refresh = {"name": "gtx_refresh", "httpOnly": True, "sameSite": "Strict"}
    assert placed["cookies"] == [refresh]
    assert "errorCode" not in placed, placed.get("error")
    Signature.from_string(str(placed["signature"]))
    orders = placed["orders"]
    assert isinstance(orders, list)
    assert len(orders) == 1
    order_id = int(orders[0])
    order, gxt = asyncio.run(_order_and_gxt(local_chain, wallet.pubkey(), order_id))
    assert order is not None
    assert (order.owner, order.price, order.quantity) == (wallet.pubkey(), 100_000, 2_000_000)
    assert order.escrow == 2_000_000
    assert gxt == 1_000_000
    assert placed["pageErrors"] == []

    too_large = browser.run(
        "order", {"orders": 1}, order={"side": "sell", "price": "0.1", "quantity": "5"}
    )
    assert too_large["errorCode"] == "insufficient_balance"
    assert "GXT" in str(too_large["error"])
    assert too_large["orders"] == orders

    cancelled = browser.run("cancel", {"orders": 0}, order={"orderId": str(order_id)})
    assert cancelled["orders"] == []
    order, gxt = asyncio.run(_order_and_gxt(local_chain, wallet.pubkey(), order_id))
    assert order is None
    assert gxt == 3_000_000
    assert cancelled["externalRequests"] == []


def test_the_order_form_places_a_post_only_sell_and_reviews_its_time_in_force(
    local_chain: LocalChain, browser: Browser
) -> None:
    connected = browser.run("connect")
    wallet = Keypair.from_base58_string(str(connected["secretKey"]))
    asyncio.run(_fund_with_energy(local_chain, wallet, energy_wh=2_000))
    placed = browser.run(
        "order",
        {"orders": 1},
        order={"side": "sell", "price": "0.2", "quantity": "1", "timeInForce": "Post-only"},
    )
    assert "errorCode" not in placed, placed.get("error")
    assert placed["reviewedTimeInForce"] == "post_only"
    orders = placed["orders"]
    assert isinstance(orders, list)
    order, gxt = asyncio.run(_order_and_gxt(local_chain, wallet.pubkey(), int(orders[0])))
    assert order is not None
    assert (order.time_in_force, order.escrow, order.price) == (2, 1_000_000, 200_000)
    assert gxt == 1_000_000
    assert placed["pageErrors"] == []
