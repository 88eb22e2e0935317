"""Notifications and the portfolio in Debian's Chromium, on a real trade: the development wallet
sells through the gateway, a second trader buys on the private chain, and the indexer, matcher
and settlement service run as the stack runs them (``tests.utils.market_pipeline``: scratch
topics and database) under a real gateway process; the notifier (started once the trade
settled) writes the seller's "order filled" and "trade settled" notifications.

On /notifications a new sign-in of the same wallet (made by the test over HTTP, as another
device would) arrives live over the ``user`` WebSocket channel: the header bell's unread count
goes up and the row appears without a reload; it is marked read with the keyboard, a preference
is saved (and read back from the gateway), and everything is marked read. On /portfolio the
settled trade shows with its ``settle`` signature and the same figures as the gateway's monthly
statement: what was sold, what was received after the fee, the savings.

To page through the list (20 a page), the account also holds older notifications written
through the gateway's own repository before the page opens."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from solders.keypair import Keypair

from gridtokenx.core.money import payment_for_fill, split_fee
from gridtokenx.gateway.database import create_engine
from gridtokenx.gateway.notification_repository import NotificationRepository
from gridtokenx.stack.services.notifier import NotifierService
from tests.chain.local_chain import LocalChain
from tests.gateway.wallet import BrowserWallet, bearer, sign_in
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

PORTFOLIO_SCRIPT = Path(__file__).parents[1] / "browser" / "portfolio.mjs"
MARKET_KINDS = {"order_filled", "trade_settled"}
"""What the notifier writes for the seller's filled and settled sell."""
OLDER = 21
"""Older notifications written before the page opens (more than a page of 20)."""


def _gateway_url(browser: Browser) -> str:
    return f"http://127.0.0.1:{browser.settings.gateway.port}"


async def _sign_in_elsewhere(browser: Browser, wallet: Keypair) -> dict[str, Any]:
    """The same wallet signs in from another client: the gateway notifies the account."""
    async with httpx.AsyncClient(base_url=_gateway_url(browser), timeout=10.0) as client:
        return await sign_in(client, BrowserWallet(wallet))


async def _add_older(pipeline: MarketPipeline, user_id: str) -> None:
    engine = create_engine(pipeline.settings.postgres)
    try:
        repository = NotificationRepository(engine)
        for index in range(OLDER):
            await repository.insert(
                uuid.UUID(user_id),
                kind="order_filled",
                title=f"Older notice {index}",
                body="Written by the test to page through.",
                data={},
                source_key=f"test:portfolio:{uuid.uuid4()}",
            )
    finally:
        await engine.dispose()


def _get(browser: Browser, tokens: dict[str, Any], path: str) -> Any:
    response = httpx.get(_gateway_url(browser) + path, headers=bearer(tokens), timeout=10.0)
    assert response.status_code == 200, response.text
    return response.json()


def _kinds(browser: Browser, tokens: dict[str, Any]) -> set[str]:
    page = _get(browser, tokens, "/v1/me/notifications?limit=200")
    return {str(item["kind"]) for item in page["data"]}


def test_a_notification_arrives_live_and_the_portfolio_shows_the_settled_trade(
    local_chain: LocalChain, pipeline: MarketPipeline, browser: Browser
) -> None:
    connected = browser.run("connect")
    wallet = Keypair.from_base58_string(str(connected["secretKey"]))
    asyncio.run(fund_seller(local_chain, wallet))
    placed = browser.run(
        "order", {"orders": 1}, order={"side": "sell", "price": "0.1", "quantity": "2"}
    )
    assert "errorCode" not in placed, placed.get("error")
    asyncio.run(buy(local_chain))
    pipeline.wait(lambda: settled(pipeline) is not None, "the trade to settle")
    trade = settled(pipeline)
    assert trade is not None
    fill_signature, _batch_signature, trade_id = trade

    other_device = asyncio.run(_sign_in_elsewhere(browser, wallet))
    account = _get(browser, other_device, "/v1/me")
    # The notifier, as the stack runs it, turns the trade into the account's notifications.
    pipeline.start(NotifierService(pipeline.settings))
    pipeline.wait(
        lambda: _kinds(browser, other_device) >= MARKET_KINDS, "the trade's notifications"
    )
    asyncio.run(_add_older(pipeline, str(account["id"])))
    pages = dataclasses.replace(browser, script=PORTFOLIO_SCRIPT)

    def sign_in_elsewhere(before: dict[str, object]) -> dict[str, object]:
        unread = int(str(before["unread"]))
        asyncio.run(_sign_in_elsewhere(browser, wallet))
        return {"unread": unread + 1, "kind": "new_sign_in"}

    shown = pages.live(
        sign_in_elsewhere, browser.profile_dir.parent / "notification.json", "notifications"
    )
    before: Any = shown["before"]
    arrived: Any = shown["arrived"]
    # Unread: the browser's own sign-in (order phase), the test's first one, the trade's and the
    # older ones; the second sign-in of the other device arrives live.
    assert int(before["unread"]) == 2 + len(MARKET_KINDS) + OLDER
    assert int(arrived["unread"]) == int(before["unread"]) + 1
    assert arrived["bellLabel"] == f"Notifications, {arrived['unread']} unread"
    known = {row["id"] for row in before["rows"]}
    fresh = [row for row in arrived["rows"] if row["id"] not in known]
    assert [(row["kind"], row["read"], row["title"]) for row in fresh] == [
        ("new_sign_in", "false", "New sign-in")
    ]
    assert arrived["announcement"] == "New notification: New sign-in"
    # Newest first, as the gateway lists them.
    assert arrived["rows"][0]["id"] == fresh[0]["id"]

    assert shown["markedRead"] == {
        "id": fresh[0]["id"],
        "read": "true",
        "unread": str(int(arrived["unread"]) - 1),
    }
    stored = _get(browser, other_device, "/v1/me/notifications?limit=50")
    by_id = {str(item["id"]): item for item in stored["data"]}
    assert by_id[fresh[0]["id"]]["read_at"] is not None

    assert shown["preference"] == {"before": False, "saved": "Saved.", "afterReload": True}
    preferences = _get(browser, other_device, "/v1/me/notification-preferences")["data"]
    assert {"kind": "tokens_minted", "in_app": True, "email": True} in preferences

    after: Any = shown["afterReadAll"]
    assert after["unread"] == "0"
    assert after["firstPage"] == 20
    assert len(after["rows"]) == 3 + len(MARKET_KINDS) + OLDER
    assert len({row["id"] for row in after["rows"]}) == len(after["rows"])
    assert {row["kind"] for row in after["rows"]} >= MARKET_KINDS
    assert [int(row["id"]) for row in after["rows"]] == sorted(
        (int(row["id"]) for row in after["rows"]), reverse=True
    )
    assert {row["read"] for row in after["rows"]} == {"true"}
    assert _get(browser, other_device, "/v1/me/notifications?unread=true")["unread_count"] == 0
    assert shown["phoneOverflowPx"] == 0
    assert shown["externalRequests"] == []
    assert shown["pageErrors"] == []

    portfolio = pages.run("portfolio", {"tradeId": str(trade_id)})
    entries: Any = portfolio["entries"]
    sells = [entry for entry in entries if entry["kind"] == "sell"]
    assert len(sells) == 1
    sell = sells[0]
    assert sell["tradeId"] == str(trade_id)
    assert sell["signature"] == fill_signature
    assert sell["gxt"] == str(-QUANTITY)

    months: Any = portfolio["months"]
    traded = [month for month in months if month["earned"] != "0"]
    assert len(traded) == 1
    statement = _get(browser, other_device, f"/v1/me/statements/{traded[0]['month']}")
    (fill,) = statement["fills"]
    net, fee = split_fee(payment_for_fill(PRICE, QUANTITY), statement["fee_bps"])
    assert (fill["net"], fill["fee"]) == (net, fee)
    assert sell["usdc"] == str(net)
    assert sell["savings"] == str(fill["savings"])
    figures: Any = portfolio["figures"]
    assert figures["earned"] == str(net) == traded[0]["earned"]
    assert figures["fees"] == str(fee)
    assert figures["savings"] == str(statement["totals"]["savings_total"])
    assert figures["spent"] == "0"
    assert int(str(portfolio["chartPoints"])) >= 1
    # The wallet's balances from the chain: of the 3 kWh the funding minted, the 2 sold left it.
    balances: Any = portfolio["balances"]
    assert balances["gxt"] == str(3_000_000 - QUANTITY)
    assert portfolio["phoneOverflowPx"] == 0
    assert portfolio["externalRequests"] == []
    assert portfolio["pageErrors"] == []
