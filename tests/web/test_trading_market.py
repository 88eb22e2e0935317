"""The trading page's market panels and session in Debian's Chromium against real services: a
private chain, a real gateway process (granian) and the real market-data feed (Kafka → Redis) on
scratch topics and a scratch Redis prefix, fed the matcher's records for the chain's market (the
pure matching sessions of tests/market produce them, as in tests/gateway/test_ws_market.py).

The book ladder, trade tape, candle chart and 24-hour statistics show what the matcher produced,
then follow new records over /v1/ws without a reload; a reload keeps the gateway session (the
refresh cookie), and so does a new browser on the same profile."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gridtokenx.config import Settings, get_settings
from tests.chain.local_chain import LocalChain, bootstrapped_chain
from tests.gateway.market_feed import MatcherOutput, market_data_pipeline
from tests.market.service.commands import LogWriter
from tests.web.next_app import Browser, prepare_web, trading_app_with_gateway

pytestmark = pytest.mark.integration

LADDER_DEPTH = 12
TAPE_LENGTH = 30
MINUTE_MS = 60_000


@pytest.fixture(scope="module")
def local_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    prepare_web(get_settings(), "trading")
    with bootstrapped_chain(tmp_path_factory.mktemp("web-market-chain")) as chain:
        yield chain


@dataclass
class MarketRig:
    browser: Browser
    matcher: MatcherOutput
    market: str


@pytest.fixture
def rig(running_stack: Settings, local_chain: LocalChain, tmp_path: Path) -> Iterator[MarketRig]:
    market = str(local_chain.addresses.market)
    with market_data_pipeline(running_stack) as (piped, _, _):
        # The matcher's records for the chain's own market (the one the page shows), timed in
        # the last minutes so they fall in the 24-hour window.
        writer = LogWriter(seed=23, markets=1, owners=5)
        writer.market_addresses = [market]
        writer.placed = {market: []}
        writer.timestamp_ms = time.time_ns() // 1_000_000 - 15 * MINUTE_MS
        matcher = MatcherOutput(piped, writer=writer)
        settings = local_chain.settings.model_copy(
            update={"market": piped.market, "market_data": piped.market_data}
        )
        prefix = {"GRIDTOKENX_MARKET_DATA__REDIS_PREFIX": piped.market_data.redis_prefix}
        with trading_app_with_gateway(
            running_stack, local_chain, tmp_path, extra_env=prefix, settings=settings
        ) as browser:
            yield MarketRig(browser, matcher, market)


def _expected(matcher: MatcherOutput, market: str) -> dict[str, object]:
    """What the panels must show: the pure sessions' book and trades, aggregated as the page
    shows them (prices and quantities in base units)."""
    book = matcher.book(market)

    def ladder(levels: object) -> list[list[str]]:
        assert isinstance(levels, list)
        return [[str(level["price"]), str(level["quantity"])] for level in levels[:LADDER_DEPTH]]

    trades = [trade for trade in matcher.reference.trades if trade.market == market]
    minutes = {trade.timestamp_ms // MINUTE_MS for trade in trades}
    return {
        "bids": ladder(book["bids"]),
        "asks": ladder(book["asks"]),
        "tape": [str(trade.trade_id) for trade in reversed(trades)][:TAPE_LENGTH],
        "candles": len(minutes),
        "stats": {
            "last": str(trades[-1].price),
            "volume": str(sum(trade.quantity for trade in trades)),
            "trades": str(len(trades)),
            "high": str(max(trade.price for trade in trades)),
            "low": str(min(trade.price for trade in trades)),
        },
        "live": {
            "market-stats": "true",
            "order-book": "true",
            "candles": "true",
            "trade-tape": "true",
        },
    }


def test_book_tape_candles_and_stats_come_from_the_gateway_and_stay_live(rig: MarketRig) -> None:
    rig.matcher.run(300)
    first = _expected(rig.matcher, rig.market)
    assert first["bids"], "the commands left no bid"
    assert first["asks"], "the commands left no ask"
    assert first["tape"], "the commands made no trade"

    def more(before: dict[str, object]) -> dict[str, object]:
        assert before == {
            **first,
            "candleCanvases": before["candleCanvases"],
            "depthPoints": before["depthPoints"],
        }
        rig.matcher.run(200)
        return _expected(rig.matcher, rig.market)

    after = rig.browser.live(more, rig.browser.profile_dir.parent / "expect.json", "market", first)

    wanted = _expected(rig.matcher, rig.market)
    assert wanted["tape"] != first["tape"]
    assert {key: after[key] for key in wanted} == wanted
    assert isinstance(after["candleCanvases"], int)
    assert after["candleCanvases"] > 0  # lightweight-charts drew into its canvases
    assert isinstance(after["depthPoints"], int)
    assert after["depthPoints"] > 0
    assert after["externalRequests"] == []
    assert after["pageErrors"] == []


def test_a_reload_and_a_new_browser_keep_the_session(rig: MarketRig) -> None:
    rig.browser.run("connect")
    reloaded = rig.browser.run("reload")
    assert reloaded["signedInAfterReload"] is True
    assert reloaded["role"] == rig.browser.settings.gateway.default_role
    assert reloaded["tokenRoutes"] == ["/v1/auth/sign-in", "/v1/auth/refresh"]
    assert reloaded["tokenInStorage"] is False  # the access token lives in memory only
    assert reloaded["pageErrors"] == []

    restored = rig.browser.run("restored")
    assert restored == {**restored, "signedIn": True, "refreshed": 1}


def test_a_missed_update_resyncs_and_a_lost_connection_shows_stale_then_recovers(
    rig: MarketRig,
) -> None:
    """Through a WebSocket route in the page (the gateway and feed stay real): one book update
    from the gateway is dropped, so the next does not follow what the page holds — it asks for
    a resync and shows the matcher's book; then the socket closes under it — every panel says
    stale until it has reconnected, resubscribed and is live again."""
    rig.matcher.run(300)
    first = _expected(rig.matcher, rig.market)
    book = f"book:{rig.market}"

    def more(before: dict[str, object]) -> dict[str, object]:
        assert before == {
            **first,
            "candleCanvases": before["candleCanvases"],
            "depthPoints": before["depthPoints"],
        }
        rig.matcher.run(200)
        return _expected(rig.matcher, rig.market)

    shown = rig.browser.live(
        more, rig.browser.profile_dir.parent / "expect.json", "feedfaults", first
    )

    wanted = _expected(rig.matcher, rig.market)
    resynced = shown["resynced"]
    assert isinstance(resynced, dict)
    assert {key: resynced[key] for key in wanted} == wanted
    assert isinstance(shown["dropped"], list)
    assert len(shown["dropped"]) == 1
    sent = shown["sent"]
    assert isinstance(sent, list)
    assert {"op": "resync", "channel": book} in sent
    assert str(shown["staleText"]).startswith("stale")
    after = shown["after"]
    assert isinstance(after, dict)
    assert {key: after[key] for key in wanted} == wanted
    assert shown["connections"] == 2
    assert sent.count({"op": "subscribe", "channel": book}) == 2
    assert shown["pageErrors"] == []
