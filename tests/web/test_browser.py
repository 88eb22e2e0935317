"""The trading app's production build in Debian's Chromium against a private chain: the
development wallet connects on the local node, the balances and orders shown are the chain's,
the local-currency value is the Python oracle reader's, the map renders, and nothing is fetched
from outside the machine.

And the whole journey across both apps (issue 9), on private services (tests/web/journey_rig.py):
a prosumer requests a meter on the energy page, the operator approves it in the admin app, the
meter's device posts signed readings and its production and minted GXT appear on the energy
page; the prosumer sells, a consumer (a second browser profile) buys, both see the trade settle
and their balances change; the grid map shows the prosumer's meter and the zones, and a zone
pre-fills the order form. Screenshots: build/test-artifacts/web/journey-*.png."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
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
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.oracle.app import read_quote
from gridtokenx.oracle.config import local_feed_ids
from gridtokenx.oracle.publisher import Publisher
from gridtokenx.oracle.sources import StaticSource
from gridtokenx.oracle.valuation import Rounding
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.gateway.energy_data import FieldMeter, commission, record_interval, record_trade
from tests.gateway.test_grid import store_scenario
from tests.gateway.test_ws_grid import _publish
from tests.gateway.wallet import BrowserWallet
from tests.utils.databases import scratch_database
from tests.web.journey_rig import FLEET, JourneyRig, journey_rig
from tests.web.next_app import (
    ARTIFACTS,
    Browser,
    prepare_web,
    served_app,
    trading_app_with_gateway,
)

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


ZONE = 3
"""The zone the prosumer's meter is requested in (one of the FLEET topology's)."""
SELL_PRICE = "0.1"
SELL_KWH = "1"
KWH = 1_000_000
"""GXT base units per kWh."""


@pytest.fixture
def journey(
    running_stack: Settings, local_chain: LocalChain, tmp_path: Path
) -> Iterator[JourneyRig]:
    with journey_rig(running_stack, local_chain, tmp_path) as rig:
        yield rig


def _gateway_url(settings: Settings) -> str:
    return f"http://{settings.gateway.host}:{settings.gateway.port}"


def _post_readings(settings: Settings, meter: FieldMeter) -> tuple[int, int]:
    """Two device-signed readings through the gateway, as a field meter sends them, 2 s and 6 s
    after the meter's approval (its zero-register watermark): 900 kW, within the 1 MW rating,
    and both in the past. The Wh exported since the approval (what is minted) and between the
    two readings (what the production card shows: it differences readings)."""
    with psycopg.connect(settings.postgres.url) as connection:
        row = connection.execute(
            "SELECT timestamp_ms FROM meter_watermarks WHERE meter_id = %s", (meter.meter_id,)
        ).fetchone()
    assert row is not None, "the approved meter has no watermark"
    approved_ms = int(row[0])
    while time.time() * 1000 < approved_ms + 6_500:
        time.sleep(0.1)
    readings = [
        meter.signed(500, 0, approved_ms + 2_000),
        meter.signed(1_500, 0, approved_ms + 6_000),
    ]
    body = {
        "readings": [
            {
                "message": base64.b64encode(message).decode(),
                "signature": base64.b64encode(signature).decode(),
            }
            for message, signature in readings
        ]
    }
    response = httpx.post(f"{_gateway_url(settings)}/v1/readings/batch", json=body, timeout=30.0)
    assert response.status_code == 202, response.text
    return 1_500, 1_000


def _minted_wh(settings: Settings, meter_id: str) -> int:
    with psycopg.connect(settings.postgres.url) as connection:
        row = connection.execute(
            "SELECT COALESCE(sum(minted_wh), 0) FROM mint_submissions "
            "WHERE meter_id = %s AND status = 'confirmed'",
            (uuid.UUID(meter_id),),
        ).fetchone()
    return int(row[0]) if row else 0


def _settled_trade(settings: Settings) -> int | None:
    """The private market's trade id once it is settled (the journey makes one)."""
    with psycopg.connect(settings.postgres.url) as connection:
        row = connection.execute(
            "SELECT t.trade_id FROM settlement_trades t JOIN settlement_batches b USING (batch_id) "
            "WHERE t.status = 'settled' AND b.status = 'settled'"
        ).fetchone()
    return None if row is None else int(row[0])


def _zone_count(settings: Settings) -> int:
    topology = httpx.get(f"{_gateway_url(settings)}/v1/grid/topology", timeout=30.0).json()
    return sum(1 for f in topology["features"] if f["properties"]["kind"] == "zone")


def test_the_platform_journey_across_both_apps(
    local_chain: LocalChain, journey: JourneyRig
) -> None:
    started = time.monotonic()
    settings, addresses = journey.settings, local_chain.addresses
    prosumer, consumer, admin = journey.prosumer, journey.consumer, journey.admin
    as_prosumer = {"ARTIFACT_PREFIX": "prosumer"}
    as_consumer = {"ARTIFACT_PREFIX": "consumer"}

    # Trading app: the prosumer's development wallet (SOL from the local faucet for the
    # registration's two transactions) requests a meter; the browser makes its device key.
    seller = Pubkey.from_string(str(prosumer.run("connect")["address"]))
    asyncio.run(fund_wallet(settings, seller, lamports=2 * SOL, usdc_base_units=0))
    requested = prosumer.run(
        "register",
        extra={**as_prosumer, "METER_NAME": "Rooftop", "ZONE": str(ZONE), "MAX_EXPORT_KW": "1000"},
    )
    assert "error" not in requested, requested
    assert requested["status"] == "pending_approval"
    assert "pending" in str(requested["statusText"]).lower()
    meter_id = str(requested["meterId"])
    device = Keypair.from_base58_string(str(requested["deviceSecretKey"]))
    assert str(device.pubkey()) == requested["devicePublicKey"]

    # Admin app: the operator's wallet co-signs the registration.
    approved = admin.run(
        "approve",
        extra={
            "ARTIFACT_PREFIX": "operator",
            "OPERATOR_SECRET": str(journey.operator),
            "METER_ID": meter_id,
        },
    )
    assert approved["signedInRole"] == "operator"
    assert isinstance(approved["approved"], dict)
    assert "error" not in approved["approved"], approved["approved"]

    # The meter's device posts signed readings; ingestion stores them, minting mints GXT.
    exported, between_readings = _post_readings(settings, FieldMeter(uuid.UUID(meter_id), device))
    journey.pipeline.wait(lambda: _minted_wh(settings, meter_id) == exported, "the mint")
    energy = prosumer.run(
        "production", {"meterId": meter_id, "producedWh": str(between_readings)}, extra=as_prosumer
    )
    assert energy["meter"] == {"status": "active", "zone": str(ZONE), "mintedWh": str(exported)}
    assert energy["producedWh"] == str(between_readings)
    assert "confirmed" in energy["mints"]  # type: ignore[operator]
    assert energy["request"] == "approved"

    # The prosumer sells 1 kWh; the consumer (a second browser profile) buys it.
    before = {
        "seller": asyncio.run(_chain_balances(settings, addresses, seller)),
    }
    sold = prosumer.run(
        "order",
        {"orders": 1},
        order={"side": "sell", "price": SELL_PRICE, "quantity": SELL_KWH},
        extra=as_prosumer,
    )
    assert "errorCode" not in sold, sold.get("error")
    buyer = Pubkey.from_string(str(consumer.run("connect")["address"]))
    asyncio.run(fund_wallet(settings, buyer, lamports=2 * SOL, usdc_base_units=5 * USDC))
    before["buyer"] = asyncio.run(_chain_balances(settings, addresses, buyer))
    bought = consumer.run(
        "order",
        {"orders": 0},
        order={"side": "buy", "price": SELL_PRICE, "quantity": SELL_KWH},
        extra=as_consumer,
    )
    assert "errorCode" not in bought, bought.get("error")
    journey.pipeline.wait(lambda: _settled_trade(settings) is not None, "the trade to settle")
    trade_id = str(_settled_trade(settings))

    # Both see the trade settle and their balances change, as the chain has them.
    for browser, extra in ((prosumer, as_prosumer), (consumer, as_consumer)):
        history = browser.run("history", {"tradeId": trade_id}, extra=extra)
        fills = history["fills"]
        assert isinstance(fills, list)
        assert [(fill["tradeId"], fill["status"]) for fill in fills] == [(trade_id, "settled")]
    after = {
        "seller": asyncio.run(_chain_balances(settings, addresses, seller)),
        "buyer": asyncio.run(_chain_balances(settings, addresses, buyer)),
    }

    def held(wallet: str, asset: str, when: dict[str, dict[str, str]]) -> int:
        amount = when[wallet][asset]
        return 0 if amount == "none" else int(amount)  # no token account yet: none held

    assert held("seller", "gxt", after) == held("seller", "gxt", before) - KWH
    assert held("seller", "usdc", after) > held("seller", "usdc", before)
    assert held("buyer", "gxt", after) > held("buyer", "gxt", before)
    assert held("buyer", "usdc", after) < held("buyer", "usdc", before)
    users = ((prosumer, "seller", as_prosumer), (consumer, "buyer", as_consumer))
    for browser, wallet, extra in users:
        shown = browser.run("wallet", dict(after[wallet]), extra=extra)
        assert {name: shown[name] for name in ("sol", "gxt", "usdc")} == after[wallet]

    # The grid map: the zones, the prosumer's meter (at its zone's point: a meter registered
    # through the gateway has no exact position) coloured by its net export, and a zone's link
    # pre-filling the order form.
    grid = prosumer.run(
        "gridmap", {"meterId": meter_id, "zones": _zone_count(settings)}, extra=as_prosumer
    )
    assert grid["meters"] == [
        {
            "meter-id": meter_id,
            "zone": str(ZONE),
            "mine": "true",
            "placed": "zone",
            "balance": "export",
            "net-wh": str(exported),
        }
    ]
    assert len(grid["zones"]) == _zone_count(settings)  # type: ignore[arg-type]
    assert grid["source"] in ("live", "http")
    assert isinstance(grid["sampledColours"], int)
    assert grid["sampledColours"] > 1  # more than the background
    # The gateway shows trades between zones only for the newest complete 15-minute interval
    # and only for a pair of zones that at least 3 wallets with meters traded across (privacy,
    # gateway/grid_view.py): this journey's one trade, minutes old, between a meter's owner and
    # a consumer without meters, is not among them, and the map invents none.
    assert grid["flows"] == []
    assert grid["flowsToggled"] is False
    assert f"Zone\n{ZONE}" in str(grid["detailsText"]) or f"Zone\t{ZONE}" in str(
        grid["detailsText"]
    )
    assert grid["prefill"] == {"zone": str(ZONE), "buy": False, "quantity": ""}
    # Every page of both apps as each user sees it (screenshots), and a phone-sized screen.
    trading_pages = prosumer.run("pages", extra={**as_prosumer, "PHONE_PATH": "/map"})
    admin_pages = admin.run(
        "pages",
        extra={
            "ARTIFACT_PREFIX": "operator",
            "OPERATOR_SECRET": str(journey.operator),
            "PHONE_PATH": "/meters",
        },
    )
    visited, admin_visited = trading_pages["pages"], admin_pages["pages"]
    assert isinstance(visited, list)
    assert isinstance(admin_visited, list)
    assert {"/", "/energy", "/map"} <= {page["path"] for page in visited}
    assert len(admin_visited) > 1
    assert trading_pages["phoneOverflowPx"] == 0
    assert admin_pages["phoneOverflowPx"] == 0
    for shown in (requested, approved, energy, sold, bought, grid, trading_pages, admin_pages):
        assert shown["externalRequests"] == []
        assert shown["pageErrors"] == []
    # End to end (without the services' start): bench/web.mjs reports it as journey_s.
    seconds = time.monotonic() - started
    (ARTIFACTS / "journey.json").write_text(json.dumps({"journey_s": round(seconds, 2)}))


def test_the_map_shades_zones_and_draws_the_flows_the_gateway_publishes(
    running_stack: Settings, local_chain: LocalChain, tmp_path: Path
) -> None:
    """The newest complete interval as ingestion and settlement record it (three meters feeding
    the grid in zone 1, three drawing from it in zone 2, one alone in zone 4; two zone-1 owners
    sold to a zone-2 owner), published on the ``grid`` channel by the feed's grid publisher: the
    public map shades the zones by it, withholds the lonely zone and draws the flow."""
    now = datetime.now(UTC)
    interval = now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0) - timedelta(
        minutes=15
    )
    with scratch_database(running_stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        store_scenario(postgres, FLEET)
        owners = [BrowserWallet() for _ in range(7)]
        for index, owner in enumerate(owners):
            zone = 1 if index < 3 else 2 if index < 6 else 4
            meter = commission(postgres, owner=owner.address, zone_id=zone)
            last = (100, 30) if zone == 1 else (0, 200) if zone == 2 else (0, 700)
            record_interval(postgres, meter, interval, (0, 0), last)
        for seller in owners[:2]:
            record_trade(
                postgres,
                seller=seller.address,
                buyer=owners[3].address,
                quantity=1_000_000,
                timestamp_ms=int(interval.timestamp() * 1000) + 60_000,
            )
        prefix = f"test-web-grid-{uuid.uuid4().hex[:8]}"
        settings = local_chain.settings.model_copy(
            update={
                "postgres": postgres,
                "redis": running_stack.redis,
                "market_data": running_stack.market_data.model_copy(
                    update={"redis_prefix": prefix}
                ),
            }
        )
        assert _publish(settings, {})
        with trading_app_with_gateway(
            running_stack,
            local_chain,
            tmp_path,
            extra_env={"GRIDTOKENX_MARKET_DATA__REDIS_PREFIX": prefix},
            database=postgres,
        ) as browser:
            shown = browser.run("gridpublic", {"flows": 1})
    listed = shown["zones"]
    assert isinstance(listed, list)
    zones = {zone["zone"]: zone for zone in listed}
    assert zones["1"] == {"zone": "1", "balance": "export", "net-wh": "210", "meters": "3"}
    assert zones["2"] == {"zone": "2", "balance": "import", "net-wh": "-600", "meters": "3"}
    assert zones["4"] == {"zone": "4", "balance": "withheld", "net-wh": "", "meters": "1"}
    assert zones["0"]["balance"] == "no-data"
    assert shown["flows"] == [{"from": "1", "to": "2", "quantity": "2000000"}]
    assert "2 GXT" in str(shown["flowDetails"])
    assert shown["meters"] == []  # not signed in: zone totals only
    assert shown["source"] == "live"
    assert shown["animated"] == "true"
    assert isinstance(shown["sampledColours"], int)
    assert shown["sampledColours"] > 1
    assert shown["externalRequests"] == []
    assert shown["pageErrors"] == []
