"""The gateway app in-process for the WebSocket tests (Starlette's TestClient: its lifespan, a
real Redis and PostgreSQL behind it), with a synchronous wallet sign-in and a reader that
skips heartbeats (set short, so a missing message fails after a few instead of hanging)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from gridtokenx.config import Settings
from gridtokenx.gateway.app import create_app
from tests.gateway.conftest import Clock
from tests.gateway.wallet import BrowserWallet

_HEARTBEATS = 20
"""Heartbeats a reader sits through before it gives up on the message it waits for."""


def ws_settings(settings: Settings, **market_data: object) -> Settings:
    """``settings`` with a scratch market-data prefix, 0.2 s heartbeats and ``market_data``."""
    changes = {
        "redis_prefix": f"gtx:test:{uuid.uuid4().hex[:10]}",
        "ws_heartbeat_interval_s": 0.2,
        **market_data,
    }
    return settings.model_copy(
        update={"market_data": settings.market_data.model_copy(update=changes)}
    )


@contextmanager
def gateway(settings: Settings, clock: Clock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock)) as client:
        yield client


def sign_in(client: TestClient, wallet: BrowserWallet) -> dict[str, Any]:
    nonce = client.post("/v1/auth/nonce", json={})
    assert nonce.status_code == 201, nonce.text
    signed = client.post("/v1/auth/sign-in", json=wallet.sign_in_output(nonce.json()["input"]))
    assert signed.status_code == 200, signed.text
    body: dict[str, Any] = signed.json()
    return body


def receive(ws: WebSocketTestSession) -> dict[str, Any]:
    """The next message that is not a heartbeat."""
    for _ in range(_HEARTBEATS):
        message: dict[str, Any] = ws.receive_json()
        if message["type"] != "heartbeat":
            return message
    raise AssertionError(f"only heartbeats for {_HEARTBEATS} intervals")


def authenticate(ws: WebSocketTestSession, tokens: dict[str, Any]) -> dict[str, Any]:
    ws.send_json({"op": "auth", "token": tokens["access_token"]})
    reply = receive(ws)
    assert reply["type"] == "authenticated", reply
    return reply
