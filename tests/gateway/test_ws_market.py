"""``/v1/ws`` on a real gateway process (granian) with real Kafka, Redis and feed: snapshots then
updates with per-channel sequences, a client that drops messages and resyncs to the server's
book, heartbeats and pings, and a slow consumer cut off with close code 4008."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from gridtokenx.config import PostgresSettings, Settings
from gridtokenx.gateway.feed.bus import BusKeys, dumps, snapshot_document
from gridtokenx.gateway.feed.state import MarketFeed
from gridtokenx.gateway.routes.ws import SLOW_CONSUMER_CLOSE
from gridtokenx.market import Side
from gridtokenx.market.wire import BookDeltaMessage, LevelDelta
from tests.gateway.market_feed import MatcherOutput, market_data_pipeline, wait_for
from tests.gateway.server_process import GatewayProcess, running_gateway

pytestmark = pytest.mark.integration

_RECV_S = 10.0


@pytest.fixture
def process_settings(
    running_stack: Settings, accounts_database: PostgresSettings, tmp_path: Path
) -> Settings:
    return running_stack.model_copy(update={"postgres": accounts_database, "state_dir": tmp_path})


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {"GRIDTOKENX_MARKET_DATA__REDIS_PREFIX": settings.market_data.redis_prefix}
    env.update({f"GRIDTOKENX_MARKET_DATA__{key.upper()}": value for key, value in extra.items()})
    return env


@pytest.fixture
def live(process_settings: Settings) -> Iterator[tuple[Settings, MatcherOutput, GatewayProcess]]:
    with market_data_pipeline(process_settings) as (settings, matcher, _):
        env = _env(settings, ws_heartbeat_interval_s="0.5")
        with running_gateway(settings, server="granian", extra_env=env) as gateway:
            yield settings, matcher, gateway


def _ws_url(gateway: GatewayProcess) -> str:
    return gateway.base_url.replace("http", "ws", 1) + "/v1/ws"


def _recv(ws: ClientConnection) -> dict[str, Any]:
    message = json.loads(ws.recv(timeout=_RECV_S))
    assert isinstance(message, dict)
    return message


class ClientBook:
    """What a browser would keep for ``book:<market>``: levels by side and price."""

    def __init__(self) -> None:
        self.sequence = -1
        self.levels: dict[str, dict[int, dict[str, int]]] = {"buy": {}, "sell": {}}

    def load(self, message: dict[str, Any]) -> None:
        self.sequence = message["sequence"]
        data = message["data"]
        self.levels = {
            "buy": {level["price"]: level for level in data["bids"]},
            "sell": {level["price"]: level for level in data["asks"]},
        }

    def apply(self, message: dict[str, Any]) -> bool:
        """False when the update does not follow this state (a gap)."""
        if message["previous"] != self.sequence:
            return False
        for level in message["data"]["levels"]:
            side = self.levels[level["side"]]
            if level["quantity"] == 0:
                side.pop(level["price"], None)
            else:
                side[level["price"]] = {
                    "price": level["price"],
                    "quantity": level["quantity"],
                    "order_count": level["order_count"],
                }
        self.sequence = message["sequence"]
        return True

    def book(self) -> dict[str, list[dict[str, int]]]:
        return {
            "bids": [self.levels["buy"][p] for p in sorted(self.levels["buy"], reverse=True)],
            "asks": [self.levels["sell"][p] for p in sorted(self.levels["sell"])],
        }


def test_snapshot_updates_gaps_resync_heartbeat_and_ping(
    live: tuple[Settings, MatcherOutput, GatewayProcess],
) -> None:
    _, matcher, gateway = live
    matcher.run(150)
    market = max(matcher.reference.sessions, key=matcher.book_sequence)
    http = httpx.Client(base_url=gateway.base_url)
    wait_for(
        lambda: (
            http.get(f"/v1/markets/{market}/book").json().get("sequence")
            == matcher.book_sequence(market)
        ),
        "the gateway to hold the book",
    )
    seen: list[str] = []
    rng = random.Random(5)
    with connect(_ws_url(gateway), open_timeout=_RECV_S) as ws:
        ws.send(json.dumps({"op": "ping"}))
        assert _recv(ws) == {"type": "pong"}
        ws.send(json.dumps({"op": "subscribe", "channel": f"book:{market}"}))
        ws.send(json.dumps({"op": "subscribe", "channel": f"trades:{market}"}))
        client = ClientBook()
        snapshot = _recv(ws)
        assert (snapshot["type"], snapshot["channel"]) == ("snapshot", f"book:{market}")
        client.load(snapshot)
        assert client.book() == matcher.book(market)
        trades_snapshot = _recv(ws)
        assert trades_snapshot["type"] == "snapshot"
        trade_sequence = trades_snapshot["sequence"]

        matcher.run(400)
        final = matcher.book_sequence(market)
        final_trade = max(t.trade_id for t in matcher.reference.trades if t.market == market)
        assert final > client.sequence
        dropped = resyncs = heartbeats = 0
        awaiting_snapshot = False
        while client.sequence != final or trade_sequence != final_trade:
            raw = ws.recv(timeout=_RECV_S)
            seen.append(str(raw))
            message = json.loads(raw)
            if message["type"] == "heartbeat":
                heartbeats += 1
                continue
            if message["channel"] == f"trades:{market}":
                assert message["type"] == "update"
                assert message["previous"] == trade_sequence
                assert [t["trade_id"] for t in message["data"]["trades"]] == list(
                    range(message["previous"] + 1, message["sequence"] + 1)
                )
                trade_sequence = message["sequence"]
                continue
            if message["type"] == "snapshot":
                client.load(message)
                awaiting_snapshot = False
                continue
            if awaiting_snapshot:
                continue
            if rng.random() < 0.3:
                dropped += 1  # as if lost: the next update shows the gap
                continue
            if not client.apply(message):
                ws.send(json.dumps({"op": "resync", "channel": f"book:{market}"}))
                resyncs += 1
                awaiting_snapshot = True
        assert dropped
        assert resyncs
        served = http.get(f"/v1/markets/{market}/book", params={"depth": 1000}).json()
        assert served["sequence"] == client.sequence == final
        assert client.book() == {"bids": served["bids"], "asks": served["asks"]}
        assert client.book() == matcher.book(market)

        # Quiet: only heartbeats arrive.
        assert _recv(ws)["type"] == "heartbeat"
        ws.send(json.dumps({"op": "unsubscribe", "channel": f"book:{market}"}))
        assert _recv(ws) == {"type": "unsubscribed", "channel": f"book:{market}"}
        del heartbeats
    text = "".join(seen)
    for private in matcher.private_strings():
        assert private not in text


def test_bad_messages_get_typed_errors(
    live: tuple[Settings, MatcherOutput, GatewayProcess],
) -> None:
    _, matcher, gateway = live
    unknown = "So11111111111111111111111111111111111111112"
    with connect(_ws_url(gateway), open_timeout=_RECV_S) as ws:
        for sent, code in (
            ("not json", "message_invalid"),
            (json.dumps([1]), "message_invalid"),
            (json.dumps({"op": "dance"}), "message_invalid"),
            (json.dumps({"op": "subscribe", "channel": "wallet"}), "channel_invalid"),
            (json.dumps({"op": "subscribe", "channel": "user:someone"}), "channel_invalid"),
            (json.dumps({"op": "subscribe", "channel": "user"}), "unauthenticated"),
            (
                json.dumps({"op": "subscribe", "channel": f"candles:{unknown}:2m"}),
                "channel_invalid",
            ),
            (json.dumps({"op": "subscribe", "channel": f"book:{unknown}"}), "market_not_found"),
        ):
            ws.send(sent)
            reply = _recv(ws)
            assert (reply["type"], reply["code"]) == ("error", code), sent
    del matcher


def test_a_slow_consumer_is_cut_off_and_others_keep_up(process_settings: Settings) -> None:
    """A client that reads slower than large updates stream is closed with 4008 (it drains
    what was sent before the close frame); a client reading the same channel receives every
    update."""
    market = "So11111111111111111111111111111111111111112"
    with market_data_pipeline(process_settings) as (settings, _, feed):
        feed.stop()  # this test publishes as the feed would, faster than Kafka would carry
        keys = BusKeys(settings.market_data.redis_prefix)
        client = redis.Redis(host=settings.redis.host, port=settings.redis.port)
        state = MarketFeed(market, recent_trades=10, candles_kept=1_500)
        channel = f"book:{market}"
        client.sadd(keys.markets, market)
        client.set(keys.snapshot(channel), snapshot_document(channel, 0, state.book.snapshot()))
        env = _env(settings, ws_queue_messages="8", ws_heartbeat_interval_s="30")
        updates = 400
        with running_gateway(settings, server="granian", extra_env=env) as gateway:
            http = httpx.Client(base_url=gateway.base_url)
            wait_for(lambda: http.get("/v1/markets").json()["count"] == 1, "the market")
            with (
                connect(_ws_url(gateway), open_timeout=_RECV_S, max_size=None) as slow,
                connect(_ws_url(gateway), open_timeout=_RECV_S, max_size=None) as steady,
            ):
                for ws in (slow, steady):
                    ws.send(json.dumps({"op": "subscribe", "channel": channel}))
                    assert _recv(ws)["type"] == "snapshot"
                received: list[int] = []
                closed_with: list[int | None] = []

                def read_slowly() -> None:
                    try:
                        while True:
                            slow.recv(timeout=30)
                            time.sleep(0.05)
                    except ConnectionClosed as closed:
                        closed_with.append(None if closed.rcvd is None else closed.rcvd.code)

                reader = threading.Thread(target=read_slowly)
                reader.start()
                for n in range(1, updates + 1):
                    levels = tuple(
                        LevelDelta(n, Side.SELL, 1_000 + price, n, 1) for price in range(2_000)
                    )
                    delta = BookDeltaMessage(market, n - 1, n, n, levels)
                    for update in state.apply_book_delta(delta):
                        client.publish(keys.updates(update.channel), dumps(update.to_json()))
                    if n % 4 == 0:  # the steady client reads as fast as updates come
                        while len(received) < n:
                            received.append(_recv(steady)["sequence"])
                assert received == list(range(1, updates + 1))
                reader.join(60)
                assert closed_with == [SLOW_CONSUMER_CLOSE]
        client.close()
