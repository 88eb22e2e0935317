"""A statement of trades really settled on a private chain matches the chain.

Two wallets trade on a private bootstrapped node through the indexer, the matcher and the
settlement service as the stack runs them (``tests.utils.market_pipeline``); the wallets then
sign in to a gateway on the pipeline's scratch database and download their statements. For each
``settle`` signature in the CSV, ``getTransaction`` must show a successful Trading ``settle``
whose fills (buy order, sell order, quantity, price) are exactly the CSV's rows of that
signature, and whose fee-vault USDC delta is the sum of the seller's CSV fees of that
signature. After the claims, the seller's USDC grew by the CSV's net proceeds, the buyer's GXT by
its energy bought and its USDC fell by what it paid. The PDF's text shows the same signatures and
figures. Each fill's ``claim_signature`` names the claim that paid it out: the claims' token
deltas add up to the seller's net proceeds and the buyer's energy bought.
"""

from __future__ import annotations

import asyncio
import io
import secrets
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pypdf
import pytest
from pydantic import SecretStr

from gridtokenx.chain.trading.accounts import OrderSide
from gridtokenx.config import GatewaySettings, Settings
from gridtokenx.gateway.app import create_app
from gridtokenx.statements import Month, ParsedCsv, parse_csv
from gridtokenx.statements.text import amount, parse
from tests.chain.local_chain import bootstrapped_chain
from tests.gateway.wallet import BrowserWallet, bearer, sign_in
from tests.indexer.rig import Rig, on_chain
from tests.indexer.traders import Desk, Trader
from tests.utils.market_pipeline import MarketPipeline, market_pipeline
from tests.utils.settle_transactions import GET_TRANSACTION_CONFIG, settle_fills, token_delta

pytestmark = pytest.mark.integration

KWH = 1_000_000
ASK_PRICE = 125_000


async def _balances(desk: Desk, seller: Trader, buyer: Trader) -> dict[str, int]:
    rpc = desk.client.rpc
    return {
        "seller_usdc": await rpc.get_token_account_balance(seller.quote_account),
        "buyer_usdc": await rpc.get_token_account_balance(buyer.quote_account),
        "buyer_gxt": await rpc.get_token_account_balance(buyer.energy_account),
    }


def _trade(rig: Rig) -> tuple[Trader, Trader, dict[str, int]]:
    """A seller's ask of 2 kWh and two crossing bids of the buyer (1.5 and 0.25 kWh)."""

    async def work(desk: Desk) -> tuple[Trader, Trader, dict[str, int]]:
        seller = await desk.trader(energy_wh=3_000)
        buyer = await desk.trader(usdc=10_000_000)
        before = await _balances(desk, seller, buyer)
        await desk.place(seller, 1, OrderSide.SELL, ASK_PRICE, 2 * KWH)
        await desk.place(buyer, 1, OrderSide.BUY, 130_000, 1_500_000)
        await desk.place(buyer, 2, OrderSide.BUY, 127_000, 250_000)
        return seller, buyer, before

    return on_chain(rig, work)


def _claims_pending(settings: Settings) -> int:
    with psycopg.connect(settings.postgres.url) as connection:
        row = connection.execute(
            "SELECT count(*) FROM settlement_batches "
            "WHERE status = 'submitted' OR (status = 'settled' AND NOT claims_done)"
        ).fetchone()
    assert row is not None
    return int(row[0])


def _wait_settled(pipeline: MarketPipeline) -> int:
    """Both trades settled and their claims cranked; the first trade's timestamp (ms)."""
    pipeline.wait(lambda: len(pipeline.trades()) == 2, "two trades")
    trades = pipeline.trades()
    wanted = {(t.market, t.trade_id): ("settled", None) for t in trades}
    pipeline.wait(lambda: pipeline.statuses() == wanted, "both trades settled")
    pipeline.wait(lambda: _claims_pending(pipeline.settings) == 0, "the claims")
    return trades[0].timestamp_ms


async def _download(
    settings: Settings, wallets: list[Trader], month: str
) -> list[tuple[ParsedCsv, str, dict[str, Any]]]:
    """Each wallet's statement of ``month``: parsed CSV, PDF text and JSON."""
    app = create_app(settings)
    found = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            for trader in wallets:
                tokens = await sign_in(client, BrowserWallet(trader.wallet))
                base = f"/v1/me/statements/{month}"
                csv_response = await client.get(f"{base}.csv", headers=bearer(tokens))
                pdf_response = await client.get(f"{base}.pdf", headers=bearer(tokens))
                json_response = await client.get(base, headers=bearer(tokens))
                for response in (csv_response, pdf_response, json_response):
                    assert response.status_code == 200, response.text
                reader = pypdf.PdfReader(io.BytesIO(pdf_response.content))
                text = "\n".join(page.extract_text() for page in reader.pages)
                found.append((parse_csv(csv_response.text), text, json_response.json()))
    return found


def _check_against_chain(
    rig: Rig,
    seller: Trader,
    buyer: Trader,
    before: dict[str, int],
    statements: list[tuple[ParsedCsv, str, dict[str, Any]]],
) -> None:
    (seller_csv, seller_pdf, seller_json), (buyer_csv, buyer_pdf, _) = statements
    assert len(seller_csv.fills) == len(buyer_csv.fills) == 2
    signatures = {line.settlement_signature for line in seller_csv.fills + buyer_csv.fills}
    fees: dict[str | None, int] = defaultdict(int)
    for line, row in zip(seller_csv.fills, seller_csv.figures, strict=True):
        assert line.side == "sell"
        fees[line.settlement_signature] += parse(row["fee_usdc"])
    for line in buyer_csv.fills:
        assert line.side == "buy"

    async def work(desk: Desk) -> dict[str, int]:
        program = desk.addresses.trading_program
        for signature in signatures:
            assert signature is not None
            transaction = await desk.client.rpc.call(
                "getTransaction",
                [
                    signature,
                    GET_TRANSACTION_CONFIG,
                ],
            )
            assert isinstance(transaction, dict), signature
            assert transaction["meta"]["err"] is None
            on_chain_fills = set(settle_fills(transaction, program))
            # Each statement row of this signature is one fill of the transaction: the buyer's
            # row names the buy order, the seller's the sell order, both the same amounts.
            rows = [
                (b_line, s_line)
                for s_line in seller_csv.fills
                for b_line in buyer_csv.fills
                if s_line.settlement_signature == b_line.settlement_signature == signature
                and (s_line.market, s_line.trade_id) == (b_line.market, b_line.trade_id)
            ]
            assert {
                (b.order, s.order, s.quantity, s.price_per_kwh) for b, s in rows
            } == on_chain_fills
            assert token_delta(transaction, desk.addresses.fee_vault) == fees[signature]
            assert token_delta(transaction, desk.addresses.quote_vault) == -fees[signature]
        # The claims that paid the fills out: together they moved the seller's net proceeds
        # and the buyer's energy into their wallets.
        for parsed, account, total in (
            (seller_csv, seller.quote_account, "received_net_usdc"),
            (buyer_csv, buyer.energy_account, "energy_bought_kwh"),
        ):
            claims = {line.claim_signature for line in parsed.fills}
            assert None not in claims, "the settlement service cranked every claim"
            moved = 0
            for claim in claims:
                transaction = await desk.client.rpc.call(
                    "getTransaction",
                    [
                        claim,
                        GET_TRANSACTION_CONFIG,
                    ],
                )
                assert isinstance(transaction, dict), claim
                assert transaction["meta"]["err"] is None
                moved += token_delta(transaction, account)
            assert moved == parse(dict(parsed.summary)[total])
        return await _balances(desk, seller, buyer)

    after = on_chain(rig, work)
    seller_summary, buyer_summary = dict(seller_csv.summary), dict(buyer_csv.summary)
    assert after["seller_usdc"] - before["seller_usdc"] == parse(
        seller_summary["received_net_usdc"]
    )
    assert after["buyer_gxt"] - before["buyer_gxt"] == parse(buyer_summary["energy_bought_kwh"])
    assert before["buyer_usdc"] - after["buyer_usdc"] == parse(buyer_summary["paid_usdc"])
    assert parse(buyer_summary["energy_bought_kwh"]) == 1_750_000
    assert parse(seller_summary["fees_usdc"]) == seller_json["totals"]["fees"] == sum(fees.values())
    for parsed, text in ((seller_csv, seller_pdf), (buyer_csv, buyer_pdf)):
        for name, value in parsed.summary:
            assert f"{name} {value}".strip() in text
        for line, row in zip(parsed.fills, parsed.figures, strict=True):
            assert f"settle tx {line.settlement_signature}" in text
            assert f"claim tx {line.claim_signature}" in text
            assert f"{amount(line.quantity)} {amount(line.price_per_kwh)}" in text
            assert row["net_usdc"] in text


def test_statement_csv_and_pdf_match_the_settlement_transactions(
    running_stack: Settings, tmp_path: Path
) -> None:
    with (
        bootstrapped_chain(tmp_path / "node") as chain,
        market_pipeline(running_stack, chain, tmp_path) as pipeline,
    ):
        rig = pipeline.rig
        seller, buyer, before = _trade(rig)
        first_ms = _wait_settled(pipeline)
        offset = pipeline.settings.statements.utc_offset_minutes
        month = Month.containing(datetime.fromtimestamp(first_ms / 1000, UTC), offset)
        settings = pipeline.settings.model_copy(
            update={
                "gateway": GatewaySettings(
                    token_secret=SecretStr(secrets.token_hex(32)), operators_from_chain=False
                )
            }
        )
        statements = asyncio.run(_download(settings, [seller, buyer], str(month)))
        _check_against_chain(rig, seller, buyer, before, statements)
