"""Redis stops under a running gateway (a scratch redis-server, never the shared one) and comes
back: meanwhile ``/v1/health`` names the features that are off and reduced, access-token reads
keep working from PostgreSQL, sign-in answers 503 with Retry-After, market data comes from
PostgreSQL (a market it does not know is ``market_not_found``; the data itself:
test_redis_down_market.py), the WebSocket still authenticates but refuses the ``user`` channel;
once Redis answers again everything works as before."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from gridtokenx.config import RedisSettings, Settings
from tests.gateway.conftest import Clock
from tests.gateway.market_feed import wait_for
from tests.gateway.wallet import BrowserWallet
from tests.gateway.ws_session import authenticate, gateway, receive, sign_in, ws_settings
from tests.utils.scratch_redis import scratch_redis

pytestmark = pytest.mark.integration

_MARKET = "So11111111111111111111111111111111111111112"


def _health(client: TestClient) -> tuple[int, dict[str, Any]]:
    response = client.get("/v1/health")
    body: dict[str, Any] = response.json()
    return response.status_code, body


def test_the_gateway_serves_in_reduced_mode_while_redis_is_down(
    gateway_settings: Settings, clock: Clock
) -> None:
    with scratch_redis() as server:
        settings = ws_settings(
            gateway_settings.model_copy(update={"redis": RedisSettings(port=server.port)})
        )
        with gateway(settings, clock) as client:
            assert _health(client) == (
                200, {"status": "ok", "postgres": "ok", "redis": "ok", "features_off": [],
                      "features_reduced": []},
            )  # fmt: skip
            wallet = BrowserWallet()
            tokens = sign_in(client, wallet)
            headers = {"Authorization": f"Bearer {tokens['access_token']}"}

            server.stop()
            status, body = _health(client)
            assert (status, body["status"], body["postgres"], body["redis"]) == (
                503, "degraded", "ok", "unavailable",
            )  # fmt: skip
            for feature in ("sign_in", "session_revocation", "live_market_data"):
                assert feature in body["features_off"]
            assert "orders" not in body["features_off"]
            assert body["features_reduced"] == ["market_data"]

            me = client.get("/v1/me", headers=headers)
            assert me.status_code == 200, me.text
            assert me.json()["wallets"][0]["address"] == wallet.address
            orders = client.get("/v1/me/orders", headers=headers)
            assert orders.status_code == 200, orders.text
            assert client.get("/v1/me").status_code == 401  # still no access without a token

            nonce = client.post("/v1/auth/nonce", json={})
            assert (nonce.status_code, nonce.json()["code"]) == (503, "service_unavailable")
            assert nonce.json()["details"] == {"service": "redis"}
            assert nonce.headers["retry-after"] == "5"

            mirror = client.app.state.market_mirror  # type: ignore[attr-defined]
            wait_for(lambda: not mirror.connected.is_set(), "the mirror to notice")
            book = client.get(f"/v1/markets/{_MARKET}/book")
            assert (book.status_code, book.json()["code"]) == (404, "market_not_found")

            with client.websocket_connect("/v1/ws") as ws:
                authenticate(ws, tokens)
                ws.send_json({"op": "subscribe", "channel": "user"})
                refused = receive(ws)
                assert (refused["type"], refused["code"]) == ("error", "service_unavailable")

            server.start()
            wait_for(lambda: _health(client)[0] == 200, "the gateway to see Redis again")
            assert _health(client)[1]["features_off"] == []
            again = sign_in(client, wallet)
            with client.websocket_connect("/v1/ws") as ws:
                authenticate(ws, again)
                ws.send_json({"op": "subscribe", "channel": "user"})
                assert receive(ws)["type"] == "snapshot"
