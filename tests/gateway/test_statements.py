"""Monthly statements through HTTP on a scratch database whose rows the services' own writers
put there: accounts by signing in, trades and batches by the settlement service's
``SettlementStore``, meters and mints by telemetry's commissioning and the ``MintLedger``.

One account (A, a meter in zone 2 with its own tariff) trades with another (B, no meter: the
default tariff) in October 2026 (Bangkok time); trades just outside the month, a pending and
a rejected one, and a November mint must not count. JSON, CSV and PDF give the same figures,
which are checked against formulas written out here; B cannot read A's statement (404), an
operator can; malformed and future months are 422 with their own codes.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pypdf
import pytest
from fastapi import FastAPI
from solders.keypair import Keypair

from gridtokenx.config import Settings, StatementSettings, TariffPeriodSettings, ZoneTariffSettings
from gridtokenx.core.money import format_amount, payment_for_fill, split_fee
from gridtokenx.gateway.app import create_app
from gridtokenx.market.wire import TradeMessage
from gridtokenx.settlement.core import PendingTrade
from gridtokenx.settlement.repository import ClaimRecord, ReceivedTrade, SettlementStore
from tests.gateway.conftest import Clock
from tests.gateway.energy_data import commission, record_mint
from tests.gateway.wallet import BrowserWallet, bearer, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

M = 10**6
FEE_BPS = 25
ZONE = 2
ZONE_PEAK = 200_000
ZONE_FEED_IN = 50_000
THAI_OFF_PEAK = 75_340
THAI_FEED_IN = 62_857
EMISSION = 500
MONTH = "2026-10"


def _ms(year: int, month: int, day: int, hour: int = 0) -> int:
    """Unix ms of a Bangkok (UTC+07:00) local time."""
    return int(datetime(year, month, day, hour, tzinfo=UTC).timestamp() * 1000) - 7 * 3_600_000


@pytest.fixture
def app(gateway_settings: Settings, clock: Clock) -> FastAPI:
    zone = ZoneTariffSettings(
        periods=[
            TariffPeriodSettings(
                name="peak",
                weekdays=[1, 2, 3, 4, 5],
                start_minute=540,
                end_minute=1320,
                price_per_kwh=ZONE_PEAK,
            )
        ],
        base_price_per_kwh=80_000,
        feed_in_price_per_kwh=ZONE_FEED_IN,
    )
    settings = gateway_settings.model_copy(
        update={
            "statements": StatementSettings(zone_tariffs={ZONE: zone}),
            "chain": gateway_settings.chain.model_copy(update={"market_fee_bps": FEE_BPS}),
        }
    )
    return create_app(settings, clock)


def _signature() -> str:
    return str(Keypair().sign_message(uuid.uuid4().bytes))


class Ledger:
    """Trades written the way the settlement service writes them."""

    def __init__(self, url: str) -> None:
        self.store = SettlementStore(url)
        self.market = str(Keypair().pubkey())
        self.next_id = 1
        self.claims: dict[str, str | None] = {}

    def trade(
        self, buyer: str, seller: str, price: int, quantity: int, timestamp_ms: int
    ) -> PendingTrade:
        trade_id = self.next_id
        self.next_id += 1
        message = TradeMessage(
            market=self.market,
            trade_id=trade_id,
            sequence=trade_id,
            buy_order=str(Keypair().pubkey()),
            sell_order=str(Keypair().pubkey()),
            buyer=buyer,
            seller=seller,
            price=price,
            quantity=quantity,
            maker_side=None,
            timestamp_ms=timestamp_ms,
            command_offset=trade_id,
            buy_order_offset=trade_id,
            sell_order_offset=trade_id,
        )
        assert self.store.record_trades([ReceivedTrade(message, 0, trade_id)]) == 1
        return PendingTrade(trade_id, message.buy_order, message.sell_order, price, quantity)

    def settle(
        self, trades: list[PendingTrade], slot: int, claims: dict[str, str] | None = None
    ) -> str:
        """Settle ``trades`` in one batch; ``claims``: order → status of the claim cranked for
        it afterwards (a ``claimed`` one gets a signature)."""
        signature = _signature()
        batch = self.store.submit_batch(self.market, trades, signature, b"signed", 1_000, 2)
        assert batch is not None
        assert self.store.settle_batch(batch.batch_id, slot)
        if claims is not None:
            records = [
                ClaimRecord(
                    order, None, status, signature=_signature() if status == "claimed" else None
                )
                for order, status in claims.items()
            ]
            self.store.record_claims(batch.batch_id, self.market, records)
            self.claims.update({r.order: r.signature for r in records})
        return signature


class Month:
    def __init__(self, a: dict[str, Any], b: dict[str, Any], ledger: Ledger) -> None:
        self.a, self.b, self.ledger = a, b, ledger
        self.signatures: dict[int, str] = {}
        self.mints: list[str] = []


@pytest.fixture
async def october(client: httpx.AsyncClient, gateway_settings: Settings) -> AsyncIterator[Month]:
    wallet_a, wallet_b = BrowserWallet(), BrowserWallet()
    a, b = await sign_in(client, wallet_a), await sign_in(client, wallet_b)
    ledger = Ledger(gateway_settings.postgres.url)
    month = Month(a, b, ledger)
    buy = ledger.trade(wallet_a.address, wallet_b.address, 120_000, 2_500_000, _ms(2026, 10, 7, 10))
    sell = ledger.trade(
        wallet_b.address, wallet_a.address, 130_001, 1_000_001, _ms(2026, 10, 10, 12)
    )
    claims = {buy.buy_order: "claimed", buy.sell_order: "claimed"}
    month.signatures[buy.trade_id] = ledger.settle([buy], slot=11, claims=claims)
    claims = {sell.buy_order: "claimed", sell.sell_order: "nothing_to_claim"}
    month.signatures[sell.trade_id] = ledger.settle([sell], slot=12, claims=claims)
    ledger.trade(wallet_a.address, wallet_b.address, 110_000, 1_000_000, _ms(2026, 10, 12, 8))
    rejected = ledger.trade(wallet_b.address, wallet_a.address, 1_000, 1_000, _ms(2026, 10, 12, 9))
    assert ledger.store.reject(ledger.market, rejected.trade_id, "OrderExpired")
    before = ledger.trade(wallet_a.address, wallet_b.address, 1_000, 7_000, _ms(2026, 10, 1) - 1)
    after = ledger.trade(wallet_a.address, wallet_b.address, 1_000, 9_000, _ms(2026, 11, 1))
    ledger.settle([before, after], slot=13)
    meter = commission(gateway_settings.postgres, owner=wallet_a.address, zone_id=ZONE)
    month.mints.append(record_mint(gateway_settings.postgres, meter, 1_500, _ms(2026, 10, 5)))
    month.mints.append(record_mint(gateway_settings.postgres, meter, 4_000, _ms(2026, 10, 20)))
    record_mint(gateway_settings.postgres, meter, 5_000, _ms(2026, 11, 1))
    yield month
    ledger.store.close()


async def _get(client: httpx.AsyncClient, path: str, tokens: dict[str, Any]) -> httpx.Response:
    return await client.get(path, headers=bearer(tokens))


async def test_statement_figures_follow_the_ledgers(
    client: httpx.AsyncClient, october: Month
) -> None:
    response = await _get(client, f"/v1/me/statements/{MONTH}", october.a)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["zone_id"] == ZONE
    assert body["period_start"].startswith("2026-09-30T17:00:00")
    assert body["period_end"].startswith("2026-10-31T17:00:00")
    [buy, sell] = body["fills"]
    # A buys 2.5 kWh at 0.12 on a Wednesday 10:00 (zone 2's peak).
    assert (buy["side"], buy["settlement_signature"], buy["settled_slot"]) == (
        "buy",
        october.signatures[1],
        11,
    )
    assert buy["claim_signature"] == october.ledger.claims[buy["order"]] is not None
    assert buy["notional"] == payment_for_fill(120_000, 2_500_000) == 300_000
    assert (buy["fee"], buy["tariff_period"], buy["tariff_price_per_kwh"]) == (0, "peak", ZONE_PEAK)
    assert buy["tariff_value"] == ZONE_PEAK * 2_500_000 // M
    assert buy["savings"] == buy["tariff_value"] - buy["notional"]
    assert buy["co2_avoided_g"] == 2_500_000 * EMISSION // M
    # A sells 1.000001 kWh at 0.130001 on a Saturday; the chain keeps the fee from the seller.
    gross = payment_for_fill(130_001, 1_000_001)
    net, fee = split_fee(gross, FEE_BPS)
    assert (sell["side"], sell["settlement_signature"]) == ("sell", october.signatures[2])
    assert sell["claim_signature"] is None  # the owner had claimed first: nothing_to_claim
    assert (sell["notional"], sell["fee"], sell["net"]) == (gross, fee, net)
    assert sell["tariff_value"] == ZONE_FEED_IN * 1_000_001 // M
    assert sell["savings"] == net - sell["tariff_value"]
    totals = body["totals"]
    assert totals == {
        "energy_bought": 2_500_000,
        "energy_sold": 1_000_001,
        "energy_minted": 4_000 * 1_000,
        "paid": 300_000,
        "received_gross": gross,
        "fees": fee,
        "received_net": net,
        "average_buy_price_per_kwh": 120_000,
        "average_sell_price_per_kwh": 130_001,
        "retail_value": buy["tariff_value"],
        "savings_on_purchases": buy["savings"],
        "feed_in_value": sell["tariff_value"],
        "gain_on_sales": sell["savings"],
        "savings_total": buy["savings"] + sell["savings"],
        "co2_avoided_purchases_g": buy["co2_avoided_g"],
        "co2_avoided_generation_g": 4_000 * EMISSION // 1_000,
        "trades_settled": 2,
        "trades_unsettled": 1,
        "mints": 2,
    }
    [pending] = body["unsettled"]
    assert (pending["status"], pending["quantity"]) == ("pending", 1_000_000)
    assert [(m["signature"], m["minted_wh"]) for m in body["mints"]] == [
        (october.mints[0], 1_500),
        (october.mints[1], 2_500),
    ]
    assert body["by_period"] == [
        {
            "period": "peak",
            "energy_bought": 2_500_000,
            "paid": 300_000,
            "tariff_value": buy["tariff_value"],
        }
    ]

    # B, the counterparty, has the mirror image under the default (Thai) tariff.
    other = (await _get(client, f"/v1/me/statements/{MONTH}", october.b)).json()
    assert other["zone_id"] is None
    t = other["totals"]
    assert (t["energy_bought"], t["energy_sold"]) == (1_000_001, 2_500_000)
    assert t["paid"] == gross
    assert t["received_net"] == split_fee(300_000, FEE_BPS)[0]
    [b_buy] = [f for f in other["fills"] if f["side"] == "buy"]
    assert (b_buy["tariff_period"], b_buy["tariff_price_per_kwh"]) == ("off_peak", THAI_OFF_PEAK)
    assert t["feed_in_value"] == THAI_FEED_IN * 2_500_000 // M
    assert (t["energy_minted"], t["mints"]) == (0, 0)


async def test_csv_and_pdf_show_the_json_figures(client: httpx.AsyncClient, october: Month) -> None:
    body = (await _get(client, f"/v1/me/statements/{MONTH}", october.a)).json()
    response = await _get(client, f"/v1/me/statements/{MONTH}.csv", october.a)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="gridtokenx-statement-{MONTH}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    summary = {row["item"]: row["value"] for row in rows if row["record"] == "summary"}
    fills = [row for row in rows if row["record"] == "fill"]
    assert summary["user_id"] == october.a["user_id"]
    assert summary["paid_usdc"] == format_amount(body["totals"]["paid"], decimals=6)
    assert summary["fees_usdc"] == format_amount(body["totals"]["fees"], decimals=6)
    assert summary["savings_total_usdc"] == format_amount(
        body["totals"]["savings_total"], decimals=6
    )
    assert [(r["signature"], r["claim_signature"], r["net_usdc"]) for r in fills] == [
        (f["settlement_signature"], f["claim_signature"] or "", format_amount(f["net"], decimals=6))
        for f in body["fills"]
    ]
    assert [r["signature"] for r in rows if r["record"] == "mint"] == october.mints

    response = await _get(client, f"/v1/me/statements/{MONTH}.pdf", october.a)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for f in body["fills"]:
        assert f"settle tx {f['settlement_signature']}" in text
        assert format_amount(f["net"], decimals=6) in text
        if f["claim_signature"]:
            assert f"claim tx {f['claim_signature']}" in text
    for signature in october.mints:
        assert f"mint tx {signature}" in text
    assert f"savings_total_usdc {summary['savings_total_usdc']}" in text


async def test_only_the_owner_and_operators_read_a_statement(
    client: httpx.AsyncClient, october: Month, operator_wallet: BrowserWallet
) -> None:
    a_id = october.a["user_id"]
    own = (await _get(client, f"/v1/me/statements/{MONTH}", october.a)).json()
    for suffix in ("", ".csv", ".pdf"):
        path = f"/v1/accounts/{a_id}/statements/{MONTH}{suffix}"
        response = await _get(client, path, october.b)
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "statement_not_found"
        assert october.signatures[1] not in response.text
        assert (await _get(client, path, october.a)).status_code == 200
    operator = await sign_in(client, operator_wallet)
    assert operator["role"] == "operator"
    response = await _get(client, f"/v1/accounts/{a_id}/statements/{MONTH}", operator)
    assert response.json() == own
    missing = await _get(client, f"/v1/accounts/{uuid.uuid4()}/statements/{MONTH}", operator)
    assert (missing.status_code, missing.json()["code"]) == (404, "statement_not_found")


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "26-10", "october", "2026-10-01"])
@pytest.mark.parametrize("suffix", ["", ".csv", ".pdf"])
async def test_malformed_month_is_422(
    client: httpx.AsyncClient, october: Month, month: str, suffix: str
) -> None:
    response = await _get(client, f"/v1/me/statements/{month}{suffix}", october.a)
    assert response.status_code == 422
    assert response.json()["code"] == "statement_month_invalid"
    response = await _get(
        client, f"/v1/accounts/{october.b['user_id']}/statements/{month}{suffix}", october.a
    )
    assert (response.status_code, response.json()["code"]) == (422, "statement_month_invalid")


async def test_future_month_is_refused(client: httpx.AsyncClient, october: Month) -> None:
    year = datetime.now(UTC).year + 1
    response = await _get(client, f"/v1/me/statements/{year:04d}-01.pdf", october.a)
    assert response.status_code == 422
    assert response.json()["code"] == "statement_month_in_future"
    assert response.json()["details"]["month"] == f"{year:04d}-01"


async def test_the_next_month_starts_at_local_midnight(
    client: httpx.AsyncClient, october: Month
) -> None:
    """The trade at 2026-11-01 00:00 Bangkok time (17:00 UTC on 31 October) and the mint of
    that instant are November's, not October's."""
    response = await _get(client, "/v1/me/statements/2026-11", october.a)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(f["trade_id"], f["quantity"]) for f in body["fills"]] == [(6, 9_000)]
    assert [m["minted_wh"] for m in body["mints"]] == [1_000]


async def test_statement_routes_need_a_token(client: httpx.AsyncClient) -> None:
    for path in (f"/v1/me/statements/{MONTH}", f"/v1/me/statements/{MONTH}.csv"):
        response = await client.get(path)
        assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")
