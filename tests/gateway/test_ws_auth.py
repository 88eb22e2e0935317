"""``/v1/ws`` authentication: the access token in an ``auth`` message (never the URL), checked
like a REST request's; private channels refused before it and dropped when it expires or a bad
one is sent; public channels need none. Connections and closes are counted in the gateway's
metrics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from websockets.sync.client import connect

from gridtokenx.config import PostgresSettings, Settings
from tests.gateway.conftest import Clock
from tests.gateway.market_feed import wait_for
from tests.gateway.server_process import running_gateway
from tests.gateway.wallet import BrowserWallet
from tests.gateway.ws_session import authenticate, gateway, receive, sign_in, ws_settings

pytestmark = pytest.mark.integration


def _error(message: dict[str, Any]) -> str:
    assert message["type"] == "error", message
    code: str = message["code"]
    return code


def test_private_channels_need_auth_and_public_ones_do_not(
    gateway_settings: Settings, clock: Clock
) -> None:
    with gateway(ws_settings(gateway_settings), clock) as client:
        tokens = sign_in(client, BrowserWallet())
        with client.websocket_connect("/v1/ws") as ws:
            ws.send_json({"op": "subscribe", "channel": "user"})
            assert _error(receive(ws)) == "unauthenticated"
            ws.send_json({"op": "subscribe", "channel": f"meter:{tokens['user_id']}"})
            assert _error(receive(ws)) == "unauthenticated"
            ws.send_json({"op": "subscribe", "channel": "grid"})
            grid = receive(ws)
            assert (grid["type"], grid["channel"]) == ("snapshot", "grid")

            for token, code in (
                ("not-a-token", "token_invalid"),
                (tokens["access_token"][:-4] + "AAAA", "token_invalid"),
            ):
                ws.send_json({"op": "auth", "token": token})
                assert _error(receive(ws)) == code
            ws.send_json({"op": "auth"})
            assert _error(receive(ws)) == "message_invalid"

            reply = authenticate(ws, tokens)
            assert reply["role"] in ("prosumer", "consumer")
            ws.send_json({"op": "subscribe", "channel": "user"})
            assert receive(ws)["type"] == "snapshot"

            # A bad token later signs the connection out: its private channels go.
            ws.send_json({"op": "auth", "token": "x.y.z"})
            assert _error(receive(ws)) == "token_invalid"
            assert receive(ws) == {"type": "unsubscribed", "channel": "user"}
            ws.send_json({"op": "subscribe", "channel": "user"})
            assert _error(receive(ws)) == "unauthenticated"


def test_an_expired_token_is_refused_and_expiry_drops_private_channels(
    gateway_settings: Settings, clock: Clock
) -> None:
    settings = ws_settings(gateway_settings)
    ttl_s = settings.gateway.access_token_ttl_s
    with gateway(settings, clock) as client:
        wallet = BrowserWallet()
        clock.advance(-ttl_s - 60)
        expired = sign_in(client, wallet)  # expired a minute ago
        clock.advance(60 + 1.5)
        expiring = sign_in(client, wallet)  # expires in 1.5 s
        clock.advance(ttl_s - 1.5)
        with client.websocket_connect("/v1/ws") as ws:
            ws.send_json({"op": "auth", "token": expired["access_token"]})
            assert _error(receive(ws)) == "token_expired"

            authenticate(ws, expiring)
            ws.send_json({"op": "subscribe", "channel": "user"})
            assert receive(ws)["type"] == "snapshot"
            ws.send_json({"op": "subscribe", "channel": "grid"})
            assert receive(ws)["type"] == "snapshot"
            # The token runs out while the connection is open.
            assert _error(receive(ws)) == "token_expired"
            assert receive(ws) == {"type": "unsubscribed", "channel": "user"}
            ws.send_json({"op": "ping"})
            assert receive(ws) == {"type": "pong"}  # the connection and "grid" stay


def test_a_signed_out_session_is_refused(gateway_settings: Settings, clock: Clock) -> None:
    with gateway(ws_settings(gateway_settings), clock) as client:
        tokens = sign_in(client, BrowserWallet())
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        out = client.delete(f"/v1/auth/sessions/{tokens['session_id']}", headers=headers)
        assert out.status_code == 204, out.text
        with client.websocket_connect("/v1/ws") as ws:
            ws.send_json({"op": "auth", "token": tokens["access_token"]})
            assert _error(receive(ws)) == "session_revoked"


def _sample(name: str, **labels: str) -> float:
    value = REGISTRY.get_sample_value(name, labels)
    return 0.0 if value is None else value


def test_connections_and_closes_are_counted(gateway_settings: Settings, clock: Clock) -> None:
    def closes() -> float:
        # Starlette's test client may cancel the handler before it saw the close ("cancelled").
        return sum(
            _sample("gridtokenx_gateway_ws_closed_total", reason=reason)
            for reason in ("client", "cancelled", "error", "slow_consumer")
        )

    open_ = "gridtokenx_gateway_ws_connections"
    with gateway(ws_settings(gateway_settings), clock) as client:
        before_closed, before_open = closes(), _sample(open_)
        with client.websocket_connect("/v1/ws") as ws:
            ws.send_json({"op": "ping"})
            assert receive(ws) == {"type": "pong"}
            assert _sample(open_) == before_open + 1
        wait_for(lambda: closes() == before_closed + 1, "the close to be counted")
        assert _sample(open_) == before_open


def test_auth_on_a_real_server_and_never_from_the_url(
    running_stack: Settings, accounts_database: PostgresSettings, tmp_path: Path
) -> None:
    """The same protocol through granian and a real WebSocket client; a token in the query
    string is ignored (it would land in access logs)."""
    settings = running_stack.model_copy(
        update={"postgres": accounts_database, "state_dir": tmp_path}
    )
    with running_gateway(settings, server="granian") as process:
        http = httpx.Client(base_url=process.base_url)
        nonce = http.post("/v1/auth/nonce", json={})
        wallet = BrowserWallet()
        tokens = http.post("/v1/auth/sign-in", json=wallet.sign_in_output(nonce.json()["input"]))
        assert tokens.status_code == 200, tokens.text
        access = tokens.json()["access_token"]
        url = process.base_url.replace("http", "ws", 1) + "/v1/ws"
        with connect(f"{url}?token={access}", open_timeout=10) as ws:
            ws.send(json.dumps({"op": "subscribe", "channel": "user"}))
            assert json.loads(ws.recv(timeout=10))["code"] == "unauthenticated"
            ws.send(json.dumps({"op": "auth", "token": access}))
            assert json.loads(ws.recv(timeout=10))["type"] == "authenticated"
            ws.send(json.dumps({"op": "subscribe", "channel": "user"}))
            snapshot = json.loads(ws.recv(timeout=10))
            assert (snapshot["type"], snapshot["channel"]) == ("snapshot", "user")
