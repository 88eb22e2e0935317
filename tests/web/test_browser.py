"""The trading app's production build in Debian's Chromium against a private chain: the
development wallet connects on the local node, the balances and orders shown are the chain's,
the local-currency value is the Python oracle reader's, the map renders, and nothing is fetched
from outside the machine."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.system_program import TransferParams, transfer
from solders.transaction import Transaction

from gridtokenx.chain.addresses import ChainAddresses
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.faucet import fund_wallet
from gridtokenx.chain.keys import OPERATOR_KEY, read_keypair
from gridtokenx.chain.spl_token import associated_token_address
from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.chain.trading.builders import OrderRequest, place_order_instruction
from gridtokenx.config import Settings, get_settings
from gridtokenx.oracle.app import read_quote
from gridtokenx.oracle.config import local_feed_ids
from gridtokenx.oracle.publisher import Publisher
from gridtokenx.oracle.sources import StaticSource
from gridtokenx.oracle.valuation import Rounding
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.web.next_app import ARTIFACTS, Browser, prepare_web, served_app

pytestmark = pytest.mark.integration

SOL = 1_000_000_000
USDC = 1_000_000


@pytest.fixture(scope="module")
def local_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    prepare_web(get_settings(), "trading", "admin")
    with bootstrapped_chain(tmp_path_factory.mktemp("web-chain")) as chain:
        yield chain


@pytest.fixture
def browser(local_chain: LocalChain, tmp_path: Path) -> Iterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with served_app(local_chain.settings, "trading", tmp_path) as url:
        yield Browser(local_chain.settings, url, tmp_path / "profile", ARTIFACTS)


async def _place_buy(
    settings: Settings, addresses: ChainAddresses, owner: Keypair, order_id: int
) -> int:
    request = OrderRequest(
        owner=owner.pubkey(),
        order_id=order_id,
        side=OrderSide.BUY,
        price=150_000,
        quantity=2 * USDC,
        source=associated_token_address(owner.pubkey(), addresses.quote_mint),
    )
    async with ChainClient.from_settings(settings.chain) as client:
        await client.send_and_confirm(
            [place_order_instruction(addresses.market_keys(), request)], [], owner
        )
    return order_id


async def _publish_prices(settings: Settings) -> int:
    """One cycle of the local publisher (static prices); the local minor units of 1 USDC as the
    Python reader values them, rounded down as the web shows them."""
    operator = read_keypair(settings.chain_keys_dir / f"{OPERATOR_KEY}.json")
    async with ChainClient.from_settings(settings.chain) as client:
        source = StaticSource.from_settings({}, 0)
        report = await Publisher(client, operator, local_feed_ids(settings.oracle), source).cycle()
    assert report.error is None
    quote = await read_quote(settings)
    return quote.usable().to_local_minor(USDC, Rounding.DOWN)


async def _chain_balances(
    settings: Settings, addresses: ChainAddresses, wallet: Pubkey
) -> dict[str, str]:
    async with ChainClient.from_settings(settings.chain) as client:
        lamports = await client.rpc.get_balance(wallet)
        gxt, usdc = await client.rpc.get_multiple_accounts(
            [
                associated_token_address(wallet, addresses.gxt_mint),
                associated_token_address(wallet, addresses.quote_mint),
            ]
        )

    def amount(account: object) -> str:
        data = getattr(account, "data", None)
        return "none" if data is None else str(int.from_bytes(data[64:72], "little"))

    return {"sol": str(lamports), "gxt": amount(gxt), "usdc": amount(usdc)}


def test_dev_wallet_shows_the_chains_balances_and_orders_live(
    local_chain: LocalChain, browser: Browser
) -> None:
    connected = browser.run("connect")
    address = Pubkey.from_string(str(connected["address"]))
    wallet = Keypair.from_base58_string(str(connected["secretKey"]))
    assert wallet.pubkey() == address
    assert connected["externalRequests"] == []

    settings, addresses = local_chain.settings, local_chain.addresses
    asyncio.run(fund_wallet(settings, address, lamports=3 * SOL, usdc_base_units=25 * USDC))
    order_id = asyncio.run(_place_buy(settings, addresses, wallet, 7))
    expected = asyncio.run(_chain_balances(settings, addresses, address))
    assert expected["usdc"] == str(25 * USDC - 300_000)  # 2 GXT at 0.15 USDC/kWh locked

    one_usdc_local_minor = str(asyncio.run(_publish_prices(settings)))

    shown = browser.run(
        "balances", {**expected, "orders": 1, "oneUsdcLocalMinor": one_usdc_local_minor}
    )
    assert {name: shown[name] for name in ("sol", "gxt", "usdc")} == expected
    assert shown["orders"] == [str(order_id)]
    assert shown["oneUsdcLocalMinor"] == one_usdc_local_minor
    assert "stale" not in str(shown["oracle"])
    assert shown["externalRequests"] == []
    assert shown["pageErrors"] == []

    def change(before: dict[str, object]) -> dict[str, object]:
        assert before["orders"] == [str(order_id)]
        asyncio.run(fund_wallet(settings, address, lamports=SOL, usdc_base_units=USDC))
        asyncio.run(_place_buy(settings, addresses, wallet, order_id + 1))
        now = asyncio.run(_chain_balances(settings, addresses, address))
        return {**now, "orders": 2, "oneUsdcLocalMinor": one_usdc_local_minor}

    live = browser.live(change, browser.profile_dir.parent / "expect.json")
    after = asyncio.run(_chain_balances(settings, addresses, address))
    assert {name: live[name] for name in ("sol", "gxt", "usdc")} == after
    assert after["usdc"] == str(26 * USDC - 600_000)
    assert live["orders"] == [str(order_id), str(order_id + 1)]
    assert live["pageErrors"] == []


def test_the_grid_map_renders_from_the_shipped_style(browser: Browser) -> None:
    rendered = browser.run("map")
    assert rendered["externalRequests"] == []
    assert rendered["pageErrors"] == []
    assert isinstance(rendered["paintedPixels"], int)
    assert rendered["paintedPixels"] > 0


def test_the_dev_wallet_is_offered_on_the_local_node_only(
    local_chain: LocalChain, browser: Browser
) -> None:
    """A custom RPC URL (here the same node under another name) is not "the local node": the
    connected development wallet is disconnected and no longer offered; back on the local node
    it is offered again. The choice is kept in the browser."""
    rpc_url = local_chain.settings.chain.rpc_url.replace("127.0.0.1", "localhost")
    result = browser.run("cluster", custom_rpc_url=rpc_url)
    assert result["devWalletOfferedOnCustom"] is False
    assert result["devWalletOfferedOnLocal"] is True
    assert result["storedCluster"] == f'{{"kind":"custom","customRpcUrl":"{rpc_url}"}}'
    assert result["pageErrors"] == []


@pytest.mark.parametrize(
    ("app", "path", "title", "heading"),
    [
        ("trading", "/energy", "GridTokenX — energy", "My energy"),
        ("admin", "/", "GridTokenX — admin", "Operator console"),
    ],
)
def test_the_page_shells_render_without_outside_requests(
    local_chain: LocalChain, tmp_path: Path, app: str, path: str, title: str, heading: str
) -> None:
    with served_app(local_chain.settings, app, tmp_path) as url:
        browser = Browser(local_chain.settings, url, tmp_path / "profile", ARTIFACTS)
        shown = browser.run("shell", page_path=path)
    assert shown["title"] == title
    assert isinstance(shown["headings"], list)
    assert shown["headings"][0] == heading
    assert shown["connectButton"] == 1
    assert shown["externalRequests"] == []
    assert shown["pageErrors"] == []


async def _unsigned_transfer(settings: Settings, payer: Pubkey, to: Pubkey, lamports: int) -> str:
    async with ChainClient.from_settings(settings.chain) as client:
        latest = await client.rpc.get_latest_blockhash()
    instruction = transfer(TransferParams(from_pubkey=payer, to_pubkey=to, lamports=lamports))
    message = Message.new_with_blockhash([instruction], payer, latest.blockhash)
    return base64.b64encode(bytes(Transaction.new_unsigned(message))).decode()


async def _landed_transfer(settings: Settings, signature: Signature, to: Pubkey) -> int:
    async with ChainClient.from_settings(settings.chain) as client:
        await client.confirm_signature(signature)
        return await client.rpc.get_balance(to)


def test_the_dev_wallet_signs_and_sends_through_the_wallet_standard(
    local_chain: LocalChain, browser: Browser
) -> None:
    address = Pubkey.from_string(str(browser.run("connect")["address"]))
    settings = local_chain.settings
    asyncio.run(fund_wallet(settings, address, lamports=SOL, usdc_base_units=0))
    recipient = Keypair().pubkey()
    unsigned = asyncio.run(_unsigned_transfer(settings, address, recipient, 1_234_567))

    sent = browser.run("send", transaction=unsigned)

    assert isinstance(sent["signature"], list)
    signature = Signature.from_bytes(bytes(sent["signature"]))
    assert asyncio.run(_landed_transfer(settings, signature, recipient)) == 1_234_567
    assert sent["pageErrors"] == []
