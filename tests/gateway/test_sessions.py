"""Refresh-token rotation, reuse detection, sign-out, and a user's list of sessions."""

from __future__ import annotations

import httpx
import pytest

from tests.gateway.wallet import BrowserWallet, bearer, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

COOKIE = "gtx_refresh"


def _use_refresh_token(client: httpx.AsyncClient, token: str) -> None:
    client.cookies.clear()
    client.cookies.set(COOKIE, token, domain="testserver.local", path="/v1/auth")


async def test_refresh_rotates_the_token_and_reuse_revokes_the_family(
    client: httpx.AsyncClient,
) -> None:
    tokens = await sign_in(client, BrowserWallet())
    first = client.cookies[COOKIE]
    refreshed = await client.post("/v1/auth/refresh")
    assert refreshed.status_code == 200, refreshed.text
    second = client.cookies[COOKIE]
    assert second != first
    assert refreshed.json()["session_id"] == tokens["session_id"]
    assert (await client.get("/v1/me", headers=bearer(refreshed.json()))).status_code == 200

    _use_refresh_token(client, first)  # a copied, already exchanged token comes back
    replay = await client.post("/v1/auth/refresh")
    assert replay.status_code == 401
    assert replay.json()["code"] == "refresh_token_reused"

    _use_refresh_token(client, second)  # the family is gone: the newest token died with it
    after = await client.post("/v1/auth/refresh")
    assert after.status_code == 401
    assert after.json()["code"] == "refresh_token_invalid"
    me = await client.get("/v1/me", headers=bearer(refreshed.json()))
    assert me.status_code == 401
    assert me.json()["code"] == "session_revoked"


async def test_refresh_without_or_with_a_forged_cookie_is_refused(
    client: httpx.AsyncClient,
) -> None:
    missing = await client.post("/v1/auth/refresh")
    assert (missing.status_code, missing.json()["code"]) == (401, "refresh_token_invalid")
    tokens = await sign_in(client, BrowserWallet())
    _use_refresh_token(client, f"{tokens['session_id']}.forged-secret")
    forged = await client.post("/v1/auth/refresh")
    assert (forged.status_code, forged.json()["code"]) == (401, "refresh_token_invalid")
    _use_refresh_token(client, "no-dot-at-all")
    malformed = await client.post("/v1/auth/refresh")
    assert (malformed.status_code, malformed.json()["code"]) == (401, "refresh_token_invalid")


async def test_sign_out_ends_the_session(client: httpx.AsyncClient) -> None:
    tokens = await sign_in(client, BrowserWallet())
    token = client.cookies[COOKIE]
    response = await client.post("/v1/auth/sign-out")
    assert response.status_code == 204
    assert 'gtx_refresh=""' in response.headers["set-cookie"]
    me = await client.get("/v1/me", headers=bearer(tokens))
    assert (me.status_code, me.json()["code"]) == (401, "session_revoked")
    _use_refresh_token(client, token)
    again = await client.post("/v1/auth/refresh")
    assert (again.status_code, again.json()["code"]) == (401, "refresh_token_invalid")


async def test_a_user_lists_and_ends_their_sessions(client: httpx.AsyncClient) -> None:
    wallet = BrowserWallet()
    laptop = await sign_in(client, wallet)
    phone = await sign_in(client, wallet)
    listed = await client.get("/v1/auth/sessions", headers=bearer(laptop))
    assert listed.status_code == 200
    sessions = {item["id"]: item for item in listed.json()["data"]}
    assert set(sessions) == {laptop["session_id"], phone["session_id"]}
    assert sessions[laptop["session_id"]]["current"] is True
    assert sessions[phone["session_id"]]["current"] is False

    ended = await client.delete(f"/v1/auth/sessions/{phone['session_id']}", headers=bearer(laptop))
    assert ended.status_code == 204
    revoked = await client.get("/v1/me", headers=bearer(phone))
    assert (revoked.status_code, revoked.json()["code"]) == (401, "session_revoked")
    remaining = await client.get("/v1/auth/sessions", headers=bearer(laptop))
    assert [item["id"] for item in remaining.json()["data"]] == [laptop["session_id"]]

    unknown = await client.delete("/v1/auth/sessions/nope", headers=bearer(laptop))
    assert (unknown.status_code, unknown.json()["code"]) == (404, "session_not_found")


async def test_a_user_cannot_end_another_users_session(client: httpx.AsyncClient) -> None:
    alice = await sign_in(client, BrowserWallet())
    mallory = await sign_in(client, BrowserWallet())
    response = await client.delete(
        f"/v1/auth/sessions/{alice['session_id']}", headers=bearer(mallory)
    )
    assert (response.status_code, response.json()["code"]) == (404, "session_not_found")
    assert (await client.get("/v1/me", headers=bearer(alice))).status_code == 200
