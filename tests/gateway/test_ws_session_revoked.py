"""A WebSocket authenticated with a session is closed with 4001 when that session is revoked
(the user ends it, an operator deactivates the account, a spent refresh token comes back),
on the real Redis pub/sub; a connection of another session of the same user stays open."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from gridtokenx.config import Settings
from gridtokenx.gateway.feed.session_revocation import SESSION_REVOKED_CLOSE
from tests.gateway.conftest import Clock
from tests.gateway.wallet import BrowserWallet
from tests.gateway.ws_session import authenticate, gateway, receive, sign_in, ws_settings

pytestmark = pytest.mark.integration

_COOKIE = "gtx_refresh"


def _bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@contextmanager
def _user_channel(client: TestClient, tokens: dict[str, Any]) -> Iterator[WebSocketTestSession]:
    with client.websocket_connect("/v1/ws") as ws:
        authenticate(ws, tokens)
        ws.send_json({"op": "subscribe", "channel": "user"})
        assert receive(ws)["type"] == "snapshot"
        yield ws


def _closed_with(ws: WebSocketTestSession) -> int:
    """The close code the server ends ``ws`` with (only heartbeats may come before it)."""
    with pytest.raises(WebSocketDisconnect) as closed:
        receive(ws)
    return closed.value.code


def _still_open(ws: WebSocketTestSession) -> None:
    ws.send_json({"op": "ping"})
    assert receive(ws) == {"type": "pong"}


@pytest.fixture
def client(gateway_settings: Settings, clock: Clock) -> Iterator[TestClient]:
    with gateway(ws_settings(gateway_settings), clock) as client:
        yield client


def test_ending_a_session_closes_its_websocket_only(client: TestClient) -> None:
    wallet = BrowserWallet()
    first, second = sign_in(client, wallet), sign_in(client, wallet)
    with _user_channel(client, first) as ended, _user_channel(client, second) as kept:
        deleted = client.delete(f"/v1/auth/sessions/{first['session_id']}", headers=_bearer(second))
        assert deleted.status_code == 204, deleted.text
        assert _closed_with(ended) == SESSION_REVOKED_CLOSE
        _still_open(kept)


def test_deactivating_the_account_closes_its_websockets(
    client: TestClient, operator_wallet: BrowserWallet
) -> None:
    user = sign_in(client, BrowserWallet())
    operator = sign_in(client, operator_wallet)
    with _user_channel(client, user) as ws, _user_channel(client, operator) as other:
        response = client.post(
            f"/v1/operator/users/{user['user_id']}/deactivate",
            json={"reason": "revocation test"},
            headers=_bearer(operator),
        )
        assert response.status_code == 200, response.text
        assert _closed_with(ws) == SESSION_REVOKED_CLOSE
        _still_open(other)


def test_a_reused_refresh_token_closes_the_familys_websocket(client: TestClient) -> None:
    tokens = sign_in(client, BrowserWallet())
    spent = client.cookies[_COOKIE]
    with _user_channel(client, tokens) as ws:
        refreshed = client.post("/v1/auth/refresh", headers={"Cookie": f"{_COOKIE}={spent}"})
        assert refreshed.status_code == 200, refreshed.text
        _still_open(ws)  # a refresh keeps the session (and the connection)
        reused = client.post("/v1/auth/refresh", headers={"Cookie": f"{_COOKIE}={spent}"})
        assert (reused.status_code, reused.json()["code"]) == (401, "refresh_token_reused")
        assert _closed_with(ws) == SESSION_REVOKED_CLOSE
