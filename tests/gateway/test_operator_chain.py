"""Operator routes that touch the chain, on a private bootstrapped node: market parameters
(the on-chain fee is read-only, tick and lot are enforced by the order routes) and the local
faucet (refused for any other cluster, never changing a role)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import psycopg
import pytest
from solders.pubkey import Pubkey

from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.spl_token import associated_token_address
from gridtokenx.config import Settings
from gridtokenx.core.money import split_fee
from gridtokenx.gateway.app import create_app
from gridtokenx.gateway.operator_market import CACHE_S
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.gateway.operator_rig import REASON, audit_rows, second_client, signed_in, user_id_of
from tests.gateway.wallet import BrowserWallet

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@pytest.fixture(scope="module")
def operator_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    with bootstrapped_chain(tmp_path_factory.mktemp("gateway-operator")) as chain:
        yield chain


@pytest.fixture
def gateway_settings(gateway_settings: Settings, operator_chain: LocalChain) -> Settings:
    return gateway_settings.model_copy(
        update={
            "chain": operator_chain.settings.chain,
            "state_dir": operator_chain.settings.state_dir,
        }
    )


async def test_market_parameters_show_the_chain_fee_and_change_tick_and_lot(
    client: httpx.AsyncClient,
    operator_wallet: BrowserWallet,
    operator_chain: LocalChain,
    gateway_settings: Settings,
) -> None:
    market = str(operator_chain.addresses.market)
    path = f"/v1/operator/markets/{market}/parameters"
    operator = await signed_in(client, operator_wallet)
    shown = await client.get(path, headers=operator)
    assert shown.status_code == 200, shown.text
    before = shown.json()
    assert before["fee_bps"] == operator_chain.addresses.fee_bps
    assert before["mode"] == gateway_settings.market.mode
    assert "Trading program" in before["honoured_by"]["fee_bps"]
    tick = gateway_settings.orders.tick_per_kwh * 10

    fee = await client.put(
        path, json={"fee_bps": before["fee_bps"] + 1, **REASON}, headers=operator
    )
    assert (fee.status_code, fee.json()["code"]) == (409, "market_fee_on_chain")
    other_mode = "auction" if before["mode"] == "continuous" else "continuous"
    mode = await client.put(path, json={"mode": other_mode, **REASON}, headers=operator)
    assert (mode.status_code, mode.json()["code"]) == (409, "market_mode_fixed")
    too_big = await client.put(
        path,
        json={"tick_per_kwh": gateway_settings.orders.max_price_per_kwh + 1, **REASON},
        headers=operator,
    )
    assert (too_big.status_code, too_big.json()["code"]) == (400, "market_parameter_invalid")
    nothing = await client.put(path, json=REASON, headers=operator)
    assert (nothing.status_code, nothing.json()["code"]) == (422, "validation_failed")

    changed = await client.put(
        path,
        json={"tick_per_kwh": tick, "fee_bps": before["fee_bps"], "reason": "coarser ticks"},
        headers=operator,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["tick_per_kwh"], changed.json()["tick_and_lot_source"]) == (
        tick,
        "operator",
    )
    assert changed.json()["lot_gxt_base_units"] == before["lot_gxt_base_units"]

    # The order routes of this worker use the new tick (the change refreshed its cache; other
    # workers within CACHE_S seconds).
    assert CACHE_S <= 5
    trader = await signed_in(client, BrowserWallet())
    price = tick + gateway_settings.orders.tick_per_kwh
    refused = await client.post(
        "/v1/orders/prepare",
        json={"side": "buy", "price_per_kwh": price, "quantity": 1_000_000},
        headers=trader,
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "price_out_of_bounds")
    assert refused.json()["details"]["tick"] == tick

    (row,) = audit_rows(gateway_settings.postgres, f"market:{market}")
    assert row["action"] == "market.parameters_changed"
    assert row["reason"] == "coarser ticks"
    assert row["details"]["to"] == {
        "tick_per_kwh": tick,
        "lot_gxt_base_units": before["lot_gxt_base_units"],
    }


async def test_market_parameters_of_an_unknown_market_are_404(
    client: httpx.AsyncClient, operator_wallet: BrowserWallet, operator_chain: LocalChain
) -> None:
    operator = await signed_in(client, operator_wallet)
    stranger = str(Pubkey.new_unique())
    missing = await client.get(f"/v1/operator/markets/{stranger}/parameters", headers=operator)
    assert (missing.status_code, missing.json()["code"]) == (404, "market_not_found")
    malformed = await client.get("/v1/operator/markets/not-a-key/parameters", headers=operator)
    assert (malformed.status_code, malformed.json()["code"]) == (422, "validation_failed")
    user = await signed_in(client, BrowserWallet())
    market = str(operator_chain.addresses.market)
    refused = await client.get(f"/v1/operator/markets/{market}/parameters", headers=user)
    assert refused.status_code == 403
    assert (await client.get(f"/v1/operator/markets/{market}/parameters")).status_code == 401


async def test_the_faucet_funds_a_wallet_on_the_local_node_and_changes_no_role(
    client: httpx.AsyncClient,
    operator_wallet: BrowserWallet,
    operator_chain: LocalChain,
    gateway_settings: Settings,
) -> None:
    wallet = BrowserWallet()
    headers = await signed_in(client, wallet)
    role_before = (await client.get("/v1/me", headers=headers)).json()["role"]
    operator = await signed_in(client, operator_wallet)
    funded = await client.post(
        "/v1/operator/faucet",
        json={
            "wallet": wallet.address,
            "lamports": 2_000_000_000,
            "usdc_base_units": 5_000_000,
            "reason": "demo account",
        },
        headers=operator,
    )
    assert funded.status_code == 200, funded.text
    receipt = funded.json()
    assert len(receipt["signatures"]) == 2
    owner = Pubkey.from_string(wallet.address)
    usdc = associated_token_address(owner, operator_chain.addresses.quote_mint)
    assert receipt["usdc_account"] == str(usdc)
    async with ChainClient.from_settings(operator_chain.settings.chain) as chain:
        assert await chain.rpc.get_balance(owner) == 2_000_000_000
        assert await chain.rpc.get_token_account_balance(usdc) == 5_000_000

    headers = await signed_in(client, wallet)
    assert (await client.get("/v1/me", headers=headers)).json()["role"] == role_before
    (row,) = audit_rows(gateway_settings.postgres, f"wallet:{wallet.address}")
    assert (row["action"], row["reason"]) == ("faucet.funded", "demo account")
    assert str(row["actor_user_id"]) == await user_id_of(client, operator)

    nothing = await client.post(
        "/v1/operator/faucet", json={"wallet": wallet.address, **REASON}, headers=operator
    )
    assert (nothing.status_code, nothing.json()["code"]) == (400, "faucet_request_invalid")
    malformed = await client.post(
        "/v1/operator/faucet",
        json={"wallet": "0x00", "lamports": 1, **REASON},
        headers=operator,
    )
    assert (malformed.status_code, malformed.json()["code"]) == (422, "validation_failed")
    user = await client.post(
        "/v1/operator/faucet",
        json={"wallet": wallet.address, "lamports": 1, **REASON},
        headers=headers,
    )
    assert (user.status_code, user.json()["code"]) == (403, "forbidden_role")


@pytest.fixture
def remote_cluster_settings(gateway_settings: Settings) -> Settings:
    chain = gateway_settings.chain.model_copy(
        update={"cluster_rpc_url": "https://api.devnet.solana.com"}
    )
    return gateway_settings.model_copy(update={"chain": chain})


async def test_the_faucet_is_refused_for_any_cluster_but_the_local_node(
    remote_cluster_settings: Settings, operator_wallet: BrowserWallet
) -> None:
    app = create_app(remote_cluster_settings)
    async with app.router.lifespan_context(app), second_client(app) as client:
        operator = await signed_in(client, operator_wallet)
        refused = await client.post(
            "/v1/operator/faucet",
            json={"wallet": BrowserWallet().address, "lamports": 1_000, **REASON},
            headers=operator,
        )
        assert (refused.status_code, refused.json()["code"]) == (409, "faucet_not_local")
        assert refused.json()["details"]["rpc_url"] == "https://api.devnet.solana.com"


async def test_analytics_charge_the_on_chain_fee_per_fill(
    client: httpx.AsyncClient,
    operator_wallet: BrowserWallet,
    operator_chain: LocalChain,
    gateway_settings: Settings,
) -> None:
    market = str(operator_chain.addresses.market)
    fee_bps = operator_chain.addresses.fee_bps
    start_ms = 946_684_800_000 + uuid.uuid4().int % 1_000_000  # 2000, away from other rows
    fills = [(123_457, 2_345_678), (99_999, 1_000_001), (1_000, 1_000)]
    with psycopg.connect(gateway_settings.postgres.url) as connection:
        batch = connection.execute(
            "INSERT INTO settlement_batches (market, status, signature, signed_transaction, "
            "last_valid_block_height, fill_count, order_count) "
            "VALUES (%s, 'settled', %s, '\\x00', 0, 3, 2) RETURNING batch_id",
            (market, f"sig-{uuid.uuid4().hex}"),
        ).fetchone()
        assert batch is not None
        first = connection.execute(
            "SELECT coalesce(max(trade_id), 0) + 1 FROM settlement_trades WHERE market = %s",
            (market,),
        ).fetchone()
        assert first is not None
        for n, (price, quantity) in enumerate(fills):
            connection.execute(
                "INSERT INTO settlement_trades (market, trade_id, sequence, buy_order, "
                "sell_order, buyer, seller, price, quantity, trade_timestamp_ms, "
                "source_partition, source_offset, status, batch_id) "
                "VALUES (%s, %s, %s, 'b', 's', 'buyer', 'seller', %s, %s, %s, 0, 0, "
                "'settled', %s)",
                (market, first[0] + n, first[0] + n, price, quantity, start_ms + n, batch[0]),
            )
    operator = await signed_in(client, operator_wallet)
    window = {
        "since": datetime.fromtimestamp(start_ms / 1000, UTC).isoformat(),
        "until": datetime.fromtimestamp((start_ms + 1000) / 1000, UTC).isoformat(),
    }
    body = (await client.get("/v1/operator/analytics", params=window, headers=operator)).json()
    (volume,) = body["markets"]
    payments = [price * quantity // 10**6 for price, quantity in fills]
    assert volume["market"] == market
    assert volume["notional_usdc_base_units"] == sum(payments)
    assert volume["fee_bps"] == fee_bps
    assert volume["fees_usdc_base_units"] == sum(split_fee(p, fee_bps)[1] for p in payments)
