"""Orders without custody on a private bootstrapped chain: prepare → the wallet signs as a
browser wallet does → submit, for place_order, cancel_order and claim, with the escrow checked
on chain; every refusal with its code."""

from __future__ import annotations

import base64
import dataclasses
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import psycopg
import pytest
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.system_program import TransferParams, transfer
from solders.transaction import Transaction, VersionedTransaction

from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.keys import MATCHER_KEY, local_keypair
from gridtokenx.chain.traders import TraderFunding
from gridtokenx.chain.trading.accounts import Order
from gridtokenx.chain.trading.builders import OrderFill, settle_instruction
from gridtokenx.config import OrderBoundsSettings, Settings
from gridtokenx.core.money import escrow_for_bid, payment_for_fill, split_fee
from gridtokenx.gateway.order_repository import encode_cursor
from gridtokenx.indexer.mirror import row_from_account
from gridtokenx.indexer.repository import OrderMirror
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.gateway.orders_rig import SignedInTrader, prepare_and_submit, sign_prepared, signed_in
from tests.utils.traders import trader_funding

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

BOUNDS = OrderBoundsSettings(
    tick_per_kwh=1,
    lot_gxt_base_units=1,
    min_price_per_kwh=1_000,
    max_price_per_kwh=1_000_000,
    min_quantity_gxt_base_units=1_000,
    max_quantity_gxt_base_units=100_000_000,
)
SOL = 1_000_000_000


@pytest.fixture(scope="module")
def orders_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    with bootstrapped_chain(tmp_path_factory.mktemp("gateway-orders")) as chain:
        yield chain


@pytest.fixture
def gateway_settings(gateway_settings: Settings, orders_chain: LocalChain) -> Settings:
    return gateway_settings.model_copy(
        update={
            "chain": orders_chain.settings.chain,
            "state_dir": orders_chain.settings.state_dir,
            "orders": BOUNDS,
        }
    )


@pytest.fixture
async def funding(orders_chain: LocalChain) -> AsyncIterator[TraderFunding]:
    async with trader_funding(orders_chain.settings) as funding:
        yield funding


async def _order(client: ChainClient, address: str) -> Order | None:
    account = await client.rpc.get_account_info(Pubkey.from_string(address))
    return Order.decode(account.data) if account else None


async def _tokens(client: ChainClient, account: Pubkey) -> int:
    return await client.rpc.get_token_account_balance(account)


async def test_place_settle_claim_and_cancel_through_the_gateway(
    client: httpx.AsyncClient, funding: TraderFunding, orders_chain: LocalChain
) -> None:
    chain = funding.client
    seller = await signed_in(client, await funding.fund(lamports=SOL, energy_wh=3_000))
    buyer = await signed_in(client, await funding.fund(lamports=SOL, usdc_base_units=1_000_000))
    assert await _tokens(chain, seller.trader.energy_account) == 3_000_000

    # Given a sell of 2 kWh at 0.1 USDC, prepared, signed by the wallet and relayed.
    sell = {"side": "sell", "price_per_kwh": 100_000, "quantity": 2_000_000}
    prepared, submitted = await prepare_and_submit(client, seller, "/v1/orders/prepare", sell)
    assert prepared["fee_payer"] == seller.address
    assert (prepared["escrow_asset"], prepared["escrow_amount"]) == ("gxt", 2_000_000)
    assert prepared["last_valid_block_height"] > 0
    unsigned = VersionedTransaction.from_bytes(base64.b64decode(prepared["transaction"]))
    programs = {
        str(unsigned.message.account_keys[i.program_id_index])
        for i in unsigned.message.instructions
    }
    assert "ComputeBudget111111111111111111111111111111" in programs
    assert str(unsigned.message.recent_blockhash) == prepared["blockhash"]
    assert submitted["kind"] == "place_order"
    assert submitted["confirmed"] is True
    assert submitted["order"] == prepared["order"]
    keys = orders_chain.addresses.market_keys()
    assert str(keys.order(seller.trader.key, prepared["order_id"])) == prepared["order"]
    ask = await _order(chain, prepared["order"])
    assert ask is not None
    assert ask.escrow == 2_000_000
    assert ask.owner == seller.trader.key
    assert await _tokens(chain, seller.trader.energy_account) == 1_000_000

    # And a buy whose escrow needs rounding up: ceil(123,457 * 1,000,001 / 10^6) = 123,458.
    buy = {"side": "buy", "price_per_kwh": 123_457, "quantity": 1_000_001}
    bid_prepared, _ = await prepare_and_submit(client, buyer, "/v1/orders/prepare", buy)
    assert bid_prepared["escrow_amount"] == escrow_for_bid(123_457, 1_000_001) == 123_458
    bid = await _order(chain, bid_prepared["order"])
    assert bid is not None
    assert bid.escrow == 123_458
    assert await _tokens(chain, buyer.trader.quote_account) == 1_000_000 - 123_458

    # Nothing to claim before a fill.
    early = await client.post(
        f"/v1/orders/{bid_prepared['order']}/claim/prepare", headers=buyer.headers
    )
    assert (early.status_code, early.json()["code"]) == (409, "nothing_to_claim")

    # When the matcher settles the whole bid at 0.1 USDC (the settlement service's job).
    matcher = local_keypair(orders_chain.settings.chain_keys_dir, MATCHER_KEY)
    fill = OrderFill(
        Pubkey.from_string(bid_prepared["order"]),
        Pubkey.from_string(prepared["order"]),
        1_000_001,
        100_000,
    )
    payer = (await funding.fund(lamports=SOL)).wallet
    settle = settle_instruction(keys, matcher.pubkey(), [fill])
    await chain.send_and_confirm([settle], [matcher], payer)

    # Then the buyer claims its GXT and the rest of its escrow; the filled order closes.
    _, claimed = await prepare_and_submit(
        client, buyer, f"/v1/orders/{bid_prepared['order']}/claim/prepare"
    )
    assert claimed["kind"] == "claim"
    paid = payment_for_fill(100_000, 1_000_001)
    assert await _tokens(chain, buyer.trader.energy_account) == 1_000_001
    assert await _tokens(chain, buyer.trader.quote_account) == 1_000_000 - paid
    assert await _order(chain, bid_prepared["order"]) is None

    # And the seller cancels the rest of its ask: GXT back, the proceeds net of the fee paid out.
    _, cancelled = await prepare_and_submit(
        client, seller, f"/v1/orders/{prepared['order']}/cancel/prepare"
    )
    assert cancelled["kind"] == "cancel_order"
    assert await _order(chain, prepared["order"]) is None
    assert await _tokens(chain, seller.trader.energy_account) == 3_000_000 - 1_000_001
    net, _fee = split_fee(paid, orders_chain.addresses.fee_bps)
    assert await _tokens(chain, seller.trader.quote_account) == net

    # A closed order is no longer anyone's to cancel.
    gone = await client.post(
        f"/v1/orders/{prepared['order']}/cancel/prepare", headers=seller.headers
    )
    assert (gone.status_code, gone.json()["code"]) == (404, "order_not_found")


async def _code(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


async def test_bounds_and_balances_are_refused_with_what_was_wrong(
    client: httpx.AsyncClient, funding: TraderFunding
) -> None:
    buyer = await signed_in(client, await funding.fund(lamports=SOL, usdc_base_units=1_000_000))
    prepare = "/v1/orders/prepare"

    async def refused(
        body: dict[str, object], who: SignedInTrader = buyer
    ) -> tuple[int, str, dict[str, object]]:
        response = await client.post(prepare, json=body, headers=who.headers)
        return response.status_code, response.json()["code"], response.json()["details"]

    status, code, details = await refused(
        {"side": "buy", "price_per_kwh": 999, "quantity": 1_000_000}
    )
    assert (status, code, details["min"]) == (422, "price_out_of_bounds", 1_000)
    status, code, _ = await refused(
        {"side": "buy", "price_per_kwh": 1_000_001, "quantity": 1_000_000}
    )
    assert (status, code) == (422, "price_out_of_bounds")
    status, code, _ = await refused({"side": "buy", "price_per_kwh": 1_000, "quantity": 999})
    assert (status, code) == (422, "quantity_out_of_bounds")
    status, code, _ = await refused(
        {"side": "buy", "price_per_kwh": 1_000, "quantity": 1_000, "expiry_s": 1}
    )
    assert (status, code) == (422, "expiry_out_of_bounds")
    status, code, _ = await refused({"side": "hold", "price_per_kwh": 1_000, "quantity": 1_000})
    assert (status, code) == (422, "validation_failed")

    # 10 kWh at 0.2 USDC locks 2 USDC; the wallet holds 1.
    status, code, details = await refused(
        {"side": "buy", "price_per_kwh": 200_000, "quantity": 10_000_000}
    )
    assert (status, code) == (422, "insufficient_balance")
    assert details == {"asset": "usdc", "needed": 2_000_000, "held": 1_000_000}
    status, code, details = await refused(
        {"side": "sell", "price_per_kwh": 200_000, "quantity": 1_000}
    )
    assert (status, code, details) == (
        422,
        "insufficient_balance",
        {"asset": "gxt", "needed": 1_000, "held": 0},
    )

    # Enough USDC but too little SOL for the order's rent.
    poor = await signed_in(
        client, await funding.fund(lamports=3_000_000, usdc_base_units=1_000_000)
    )
    status, code, details = await refused(
        {"side": "buy", "price_per_kwh": 1_000, "quantity": 1_000}, poor
    )
    assert (status, code, details["asset"]) == (422, "insufficient_balance", "sol")
    assert int(str(details["needed"])) > int(str(details["held"]))


async def test_cancel_and_claim_only_for_the_callers_own_orders(
    client: httpx.AsyncClient, funding: TraderFunding
) -> None:
    owner = await signed_in(client, await funding.fund(lamports=SOL, usdc_base_units=1_000_000))
    other = await signed_in(client, await funding.fund(lamports=SOL, usdc_base_units=1_000_000))
    body = {"side": "buy", "price_per_kwh": 50_000, "quantity": 1_000_000}
    prepared, _ = await prepare_and_submit(client, owner, "/v1/orders/prepare", body)
    order = prepared["order"]
    for path in (f"/v1/orders/{order}/cancel/prepare", f"/v1/orders/{order}/claim/prepare"):
        response = await client.post(path, headers=other.headers)
        assert await _code(response) == (404, "order_not_found")
        assert response.json()["details"] == {"order": order}
    for missing in (str(Keypair().pubkey()), str(Pubkey.default())):
        response = await client.post(f"/v1/orders/{missing}/cancel/prepare", headers=owner.headers)
        assert await _code(response) == (404, "order_not_found")
    response = await client.post(f"/v1/orders/{'1' * 32}-x/cancel/prepare", headers=owner.headers)
    assert await _code(response) == (404, "order_not_found")
    # The owner still can.
    _, cancelled = await prepare_and_submit(client, owner, f"/v1/orders/{order}/cancel/prepare")
    assert cancelled["kind"] == "cancel_order"


async def test_submit_relays_only_the_callers_order_transactions(
    client: httpx.AsyncClient, funding: TraderFunding
) -> None:
    owner = await signed_in(client, await funding.fund(lamports=SOL, usdc_base_units=1_000_000))
    other = await signed_in(client, await funding.fund(lamports=SOL))
    submit = "/v1/transactions/submit"
    prepared = await client.post(
        "/v1/orders/prepare",
        json={"side": "buy", "price_per_kwh": 50_000, "quantity": 1_000_000},
        headers=owner.headers,
    )
    unsigned = prepared.json()["transaction"]
    signed = sign_prepared(unsigned, owner.trader.wallet)

    cases: list[tuple[dict[str, object], SignedInTrader, tuple[int, str]]] = [
        ({"transaction": "not base64!"}, owner, (400, "transaction_malformed")),
        (
            {"transaction": base64.b64encode(b"\x01" * 80).decode()},
            owner,
            (400, "transaction_malformed"),
        ),
        ({"transaction": unsigned}, owner, (403, "transaction_signer_invalid")),
        ({"transaction": signed}, other, (403, "transaction_signer_invalid")),
        ({"transaction": "QUJD", "extra": 1}, owner, (422, "validation_failed")),
    ]
    # A transfer of the caller's own SOL is signed correctly but is not an order transaction.
    blockhash = VersionedTransaction.from_bytes(base64.b64decode(unsigned)).message.recent_blockhash
    key = owner.trader.wallet
    drain = transfer(
        TransferParams(from_pubkey=key.pubkey(), to_pubkey=Keypair().pubkey(), lamports=1)
    )
    foreign = Transaction(
        [key], Message.new_with_blockhash([drain], key.pubkey(), blockhash), blockhash
    )
    cases.append(
        (
            {"transaction": base64.b64encode(bytes(foreign)).decode()},
            owner,
            (422, "transaction_not_allowed"),
        )
    )
    for body, who, expected in cases:
        response = await client.post(submit, json=body, headers=who.headers)
        assert await _code(response) == expected, (body, response.text)
    foreign_body = {"transaction": base64.b64encode(bytes(foreign)).decode()}
    details = (await client.post(submit, json=foreign_body, headers=owner.headers)).json()[
        "details"
    ]
    assert details == {
        "reason": "foreign_instruction",
        "program": "11111111111111111111111111111111",
    }

    # The genuine one goes through, without waiting: its signature comes back at once.
    relayed = await client.post(submit, json={"transaction": signed}, headers=owner.headers)
    assert relayed.status_code == 200, relayed.text
    assert relayed.json()["signature"] == str(
        VersionedTransaction.from_bytes(base64.b64decode(signed)).signatures[0]
    )
    assert relayed.json()["confirmed"] is False
    # Sent again with wait: the same signature, now confirmed (a resend can never apply twice).
    again = await client.post(
        submit, json={"transaction": signed, "wait": True}, headers=owner.headers
    )
    assert again.status_code == 200, again.text
    assert again.json()["signature"] == relayed.json()["signature"]
    assert again.json()["confirmed"] is True
    assert await _order(funding.client, relayed.json()["order"]) is not None


async def test_my_orders_fills_and_settlements_page_through_the_mirrors(
    client: httpx.AsyncClient,
    funding: TraderFunding,
    orders_chain: LocalChain,
    gateway_settings: Settings,
) -> None:
    owner = await signed_in(client, await funding.fund(lamports=SOL, usdc_base_units=1_000_000))
    stranger = await signed_in(client, await funding.fund(lamports=SOL))
    placed: dict[str, str] = {}
    for price in (10_000, 20_000, 30_000):
        body = {"side": "buy", "price_per_kwh": price, "quantity": 1_000_000}
        prepared, submitted = await prepare_and_submit(client, owner, "/v1/orders/prepare", body)
        placed[prepared["order"]] = submitted["signature"]
    # The indexer's own code turns each order account into its mirror row.
    rows = []
    for address, signature in placed.items():
        account = await _order(funding.client, address)
        assert account is not None
        rows.append(
            dataclasses.replace(row_from_account(address, account, 1), placed_signature=signature)
        )
    mirror = OrderMirror(gateway_settings.postgres.url, str(orders_chain.addresses.trading_program))
    try:
        mirror.commit(rows, None)
    finally:
        mirror.close()

    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    for expected_size in (2, 1):
        query: dict[str, str | int] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = await client.get("/v1/me/orders", params=query, headers=owner.headers)
        assert page.status_code == 200, page.text
        assert len(page.json()["data"]) == expected_size
        seen += page.json()["data"]
        cursor = page.json()["next_cursor"]
    assert cursor is None
    assert [order["order_id"] for order in seen] == sorted(
        (order["order_id"] for order in seen), reverse=True
    )
    assert {order["order"]: order["placed_signature"] for order in seen} == placed
    assert {order["status"] for order in seen} == {"open"}
    assert {order["escrow"] for order in seen} == {10_000, 20_000, 30_000}
    cancelled = await client.get("/v1/me/orders?status=cancelled", headers=owner.headers)
    assert cancelled.json()["data"] == []
    assert (await client.get("/v1/me/orders", headers=stranger.headers)).json()["data"] == []

    # Trades as the settlement service records them: two settled in one batch, one pending,
    # and one between other wallets.
    market, other = str(orders_chain.addresses.market), str(Keypair().pubkey())
    with psycopg.connect(gateway_settings.postgres.url, autocommit=True) as connection:
        batch = connection.execute(
            "INSERT INTO settlement_batches (market, status, signature, signed_transaction, "
            "last_valid_block_height, fill_count, order_count, slot, resolved_at) "
            "VALUES (%s, 'settled', %s, '\\x00', 10, 2, 4, 7, now()) RETURNING batch_id",
            (market, f"settle-{uuid.uuid4().hex}"),
        ).fetchone()
        assert batch is not None
        trade_id = int(uuid.uuid4().int % 10**12)
        trades = [
            (trade_id, owner.address, other, 100_000, 1_500_000, 1_000, "settled", batch[0]),
            (trade_id + 1, other, owner.address, 110_000, 2_000_000, 2_000, "settled", batch[0]),
            (trade_id + 2, owner.address, other, 120_000, 3_000_000, 3_000, "pending", None),
            (trade_id + 3, other, other, 120_000, 3_000_000, 4_000, "pending", None),
        ]
        for trade, buyer, seller, price, quantity, timestamp, status, batch_id in trades:
            connection.execute(
                "INSERT INTO settlement_trades (market, trade_id, sequence, buy_order, sell_order, "
                "buyer, seller, price, quantity, trade_timestamp_ms, source_partition, "
                "source_offset, status, batch_id, settled_signature) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0, %s, %s, %s, %s)",
                (
                    market, trade, trade, f"buy-{trade}", f"sell-{trade}", buyer, seller, price,
                    quantity, timestamp, trade, status, batch_id,
                    "sig-settled" if status == "settled" else None,
                ),
            )  # fmt: skip

    fills: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/me/fills", params=query, headers=owner.headers)).json()
        fills += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [(f["trade_id"], f["side"], f["status"]) for f in fills] == [
        (trade_id + 2, "buy", "pending"),
        (trade_id + 1, "sell", "settled"),
        (trade_id, "buy", "settled"),
    ]
    assert fills[1]["order"] == f"sell-{trade_id + 1}"
    assert fills[1]["quote_amount"] == payment_for_fill(110_000, 2_000_000)
    assert fills[1]["settled_signature"] == "sig-settled"
    assert fills[0]["settled_signature"] is None

    settlements = (await client.get("/v1/me/settlements", headers=owner.headers)).json()
    assert settlements["next_cursor"] is None
    [settlement] = settlements["data"]
    assert settlement["settlement_id"] == batch[0]
    assert settlement["status"] == "settled"
    assert settlement["trade_ids"] == [trade_id, trade_id + 1]
    assert (settlement["energy_bought"], settlement["energy_sold"]) == (1_500_000, 2_000_000)
    assert settlement["quote_paid"] == payment_for_fill(100_000, 1_500_000)
    assert settlement["quote_received"] == payment_for_fill(110_000, 2_000_000)
    for path in ("/v1/me/fills", "/v1/me/settlements"):
        assert (await client.get(path, headers=stranger.headers)).json()["data"] == []

    # Cursors are opaque and tied to their listing.
    fills_cursor = encode_cursor("fills", (1, "m", 1))
    for path, bad in (("/v1/me/orders", "garbage!"), ("/v1/me/orders", fills_cursor)):
        response = await client.get(path, params={"cursor": bad}, headers=owner.headers)
        assert await _code(response) == (422, "cursor_invalid")


async def test_time_in_force_is_placed_on_chain_and_shown_in_my_orders(
    client: httpx.AsyncClient,
    funding: TraderFunding,
    orders_chain: LocalChain,
    gateway_settings: Settings,
) -> None:
    owner = await signed_in(client, await funding.fund(lamports=SOL, usdc_base_units=1_000_000))
    placed: dict[str, str] = {}
    for name, stored in (("ioc", 1), ("post_only", 2), (None, 0)):
        body: dict[str, Any] = {"side": "buy", "price_per_kwh": 10_000, "quantity": 1_000_000}
        if name is not None:
            body["time_in_force"] = name
        prepared, _ = await prepare_and_submit(client, owner, "/v1/orders/prepare", body)
        account = await _order(funding.client, prepared["order"])
        assert account is not None
        assert account.time_in_force == stored
        placed[prepared["order"]] = name or "gtc"
        row = row_from_account(prepared["order"], account, 1)
        mirror = OrderMirror(
            gateway_settings.postgres.url, str(orders_chain.addresses.trading_program)
        )
        try:
            mirror.commit([row], None)
        finally:
            mirror.close()
    page = await client.get("/v1/me/orders", headers=owner.headers)
    assert page.status_code == 200, page.text
    assert {o["order"]: o["time_in_force"] for o in page.json()["data"]} == placed
    bad = await client.post(
        "/v1/orders/prepare",
        json={
            "side": "buy",
            "price_per_kwh": 10_000,
            "quantity": 1_000_000,
            "time_in_force": "fok",
        },
        headers=owner.headers,
    )
    assert bad.status_code == 422, bad.text
