"""Market data while Redis is down: the matcher's records go through the real feed into a
scratch Redis (never the shared one) and the worker's mirror; the same orders and trades are
written to PostgreSQL as the chain indexer (``chain_orders``) and the settlement service
(``settlement_trades``) write them. With the scratch Redis stopped, every public market route
answers from PostgreSQL, marked ``X-GridTokenX-Source: postgres``, with what the Redis path
served (except what PostgreSQL does not record: the book's sequence and the taker side), and
``/v1/health`` lists ``market_data`` as reduced. With Redis back, the mirror answers again."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from gridtokenx.config import RedisSettings, Settings
from gridtokenx.gateway.feed.channels import CANDLE_INTERVALS_MS
from gridtokenx.gateway.market_fallback_repository import MarketFallback
from gridtokenx.indexer.mirror import OrderRow, OrderStatus
from gridtokenx.indexer.repository import OrderMirror
from gridtokenx.market import Side, TimeInForce
from gridtokenx.market.wire import AddCommand, CancelCommand, OrderCommand
from gridtokenx.settlement.repository import ReceivedTrade, SettlementStore
from tests.gateway.conftest import Clock
from tests.gateway.market_feed import MatcherOutput, market_data_pipeline, wait_for
from tests.gateway.ws_session import gateway
from tests.utils.scratch_redis import scratch_redis

pytestmark = pytest.mark.integration

_SOURCE = "x-gridtokenx-source"


def _commands(matcher: MatcherOutput, count: int) -> list[OrderCommand]:
    """Resting (GTC, no expiry) orders and cancels over the writer's markets; buyers and
    sellers differ, so no order is cancelled by self-trade prevention (which the matcher does
    not release for a GTC order: PostgreSQL would still show it open)."""
    writer = matcher.writer
    buyer, seller = writer.owner_addresses[:2]
    commands: list[OrderCommand] = []
    for _ in range(count):
        market = writer.rng.choice(writer.market_addresses)
        if writer.placed[market] and writer.rng.random() < 0.2:
            commands.append(writer.cancel(market))
        else:
            side = writer.rng.choice([Side.BUY, Side.SELL])
            commands.append(
                writer.add(
                    market,
                    side=side,
                    owner=buyer if side is Side.BUY else seller,
                    time_in_force=TimeInForce.GTC,
                    post_only=False,
                    expiry_s=0,
                )
            )
    return commands


def _write_as_the_pipeline(settings: Settings, matcher: MatcherOutput, count: int) -> None:
    """Match ``count`` commands (records to Kafka) and write their chain mirror rows (nothing
    settled yet: ``filled`` 0; cancelled orders ``cancelled``) and every trade as received."""
    commands = _commands(matcher, count)
    outcomes = matcher.run_commands(commands)
    cancelled = {
        command.order
        for command, outcome in zip(commands, outcomes, strict=True)
        if isinstance(command, CancelCommand)
        and outcome.rejection is None
        and not outcome.engine_rejections
    }
    rows = [
        OrderRow(
            order=command.order,
            market=command.market,
            owner=command.owner,
            order_id=command.order_id,
            side=command.side,
            price=command.price,
            quantity=command.quantity,
            expiry_s=0,
            filled=0,
            escrow=command.quantity,
            claimable_energy=0,
            claimable_quote=0,
            status=OrderStatus.CANCELLED if command.order in cancelled else OrderStatus.OPEN,
            placed_signature=command.signature,
            placed_slot=command.slot,
            updated_slot=command.slot,
            updated_signature=None,
            closed_signature=None,
        )
        for command in commands
        if isinstance(command, AddCommand)
    ]
    mirror = OrderMirror(settings.postgres.url, "trading-test")
    try:
        mirror.commit(rows, None)
    finally:
        mirror.close()
    store = SettlementStore(settings.postgres.url)
    try:
        store.record_trades(
            [ReceivedTrade(trade, 0, index) for index, trade in enumerate(matcher.reference.trades)]
        )
    finally:
        store.close()


def _get(client: TestClient, path: str) -> tuple[str | None, dict[str, Any]]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return response.headers.get(_SOURCE), body


def _paths(market: str) -> dict[str, str]:
    paths = {
        "book": f"/v1/markets/{market}/book?depth=1000",
        "trades": f"/v1/markets/{market}/trades?limit=1000",
        "stats": f"/v1/markets/{market}/stats",
        "auction": f"/v1/markets/{market}/auction",
    }
    for interval in CANDLE_INTERVALS_MS:
        paths[interval] = f"/v1/markets/{market}/candles?interval={interval}"
    return paths


def test_market_routes_answer_from_postgres_while_redis_is_down(
    gateway_settings: Settings, clock: Clock
) -> None:
    with scratch_redis() as server:
        on_scratch = gateway_settings.model_copy(update={"redis": RedisSettings(port=server.port)})
        with market_data_pipeline(on_scratch) as (settings, matcher, _):
            _write_as_the_pipeline(settings, matcher, 400)
            markets = sorted(matcher.reference.sessions)
            assert len(matcher.reference.trades) > 20
            with gateway(settings, clock) as client:
                mirror = client.app.state.market_mirror  # type: ignore[attr-defined]
                for market in markets:
                    last_trade = max(
                        trade.trade_id
                        for trade in matcher.reference.trades
                        if trade.market == market
                    )

                    def caught_up(market: str = market, last_trade: int = last_trade) -> bool:
                        paths = _paths(market)
                        return (
                            _get(client, paths["book"])[1]["sequence"]
                            == matcher.book_sequence(market)
                            and _get(client, paths["trades"])[1]["sequence"] == last_trade
                            and _get(client, paths["stats"])[1]["last_price"] is not None
                        )

                    wait_for(caught_up, f"the mirror to hold the data of {market}")
                live = {market: {k: _get(client, p) for k, p in _paths(market).items()}
                        for market in markets}  # fmt: skip
                live_list = _get(client, "/v1/markets")[1]

                server.stop()
                wait_for(lambda: not mirror.connected.is_set(), "the mirror to notice")
                health = client.get("/v1/health").json()
                assert health["features_reduced"] == ["market_data"]
                assert "live_market_data" in health["features_off"]
                # The statistics of each market at the time the feed computed them.
                now_ms = [0]
                client.app.state.market_fallback = MarketFallback(  # type: ignore[attr-defined]
                    client.app.state.context.engine,  # type: ignore[attr-defined]
                    settings.market_data,
                    lambda: now_ms[0],
                )
                for market in markets:
                    redis_path = live[market]
                    now_ms[0] = redis_path["stats"][1]["sequence"]
                    fallback = {k: _get(client, p) for k, p in _paths(market).items()}
                    assert {source for source, _ in fallback.values()} == {"postgres"}
                    assert {source for source, _ in redis_path.values()} == {None}
                    book = fallback["book"][1]
                    assert book == {**redis_path["book"][1], "sequence": 0}
                    assert book["bids"] or book["asks"]
                    trades = fallback["trades"][1]
                    assert trades == {
                        **redis_path["trades"][1],
                        "data": [
                            {**trade, "taker_side": None}
                            for trade in redis_path["trades"][1]["data"]
                        ],
                    }
                    for interval in CANDLE_INTERVALS_MS:
                        assert fallback[interval][1] == redis_path[interval][1], interval
                    assert fallback["stats"][1] == redis_path["stats"][1]
                    assert fallback["stats"][1]["trade_count"] > 0
                    assert fallback["auction"][1]["mode"] == redis_path["auction"][1]["mode"]
                listed = client.get("/v1/markets")
                assert listed.headers[_SOURCE] == "postgres"
                ours = [item for item in listed.json()["data"] if item["market"] in markets]
                assert ours == live_list["data"]
                assert listed.json()["live"] is False
                unknown = client.get(f"/v1/markets/{'1' * 32}/book")
                assert (unknown.status_code, unknown.json()["code"]) == (404, "market_not_found")

                server.start()
                wait_for(mirror.connected.is_set, "the mirror to follow Redis again")
                source, book = _get(client, _paths(markets[0])["book"])
                assert source is None
                assert book == live[markets[0]]["book"][1]
