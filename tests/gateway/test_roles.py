"""Access tokens and roles: every protected route refuses no token, bad tokens and wrong roles."""

from __future__ import annotations

import httpx
import pytest

from tests.gateway.conftest import Clock
from tests.gateway.wallet import BrowserWallet, bearer, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


async def test_operator_routes_refuse_other_roles(
    client: httpx.AsyncClient, operator_wallet: BrowserWallet
) -> None:
    consumer = await sign_in(client, BrowserWallet())
    refused = await client.get("/v1/accounts", headers=bearer(consumer))
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "forbidden_role"
    assert body["details"] == {"required": ["operator"], "role": "consumer"}
    operator = await sign_in(client, operator_wallet)
    allowed = await client.get("/v1/accounts", headers=bearer(operator))
    assert allowed.status_code == 200
    ids = {account["id"] for account in allowed.json()["data"]}
    assert consumer["user_id"] in ids or allowed.json()["count"] > len(ids)
    assert "wallets" not in allowed.json()["data"][0]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/me"),
        ("GET", "/v1/auth/sessions"),
        ("DELETE", "/v1/auth/sessions/x"),
        ("GET", "/v1/accounts"),
        ("PUT", "/v1/me/email"),
        ("POST", "/v1/me/wallets/nonce"),
        ("POST", "/v1/me/wallets"),
        ("DELETE", "/v1/me/wallets/x"),
        ("POST", "/v1/orders/prepare"),
        ("POST", "/v1/orders/11111111111111111111111111111111/cancel/prepare"),
        ("POST", "/v1/orders/11111111111111111111111111111111/claim/prepare"),
        ("POST", "/v1/transactions/submit"),
        ("GET", "/v1/me/orders"),
        ("GET", "/v1/me/fills"),
        ("GET", "/v1/me/settlements"),
    ],
)
async def test_protected_routes_need_a_valid_token(
    client: httpx.AsyncClient, clock: Clock, method: str, path: str
) -> None:
    tokens = await sign_in(client, BrowserWallet())
    good = tokens["access_token"]
    header, payload, signature = good.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    cases = [
        ({}, "unauthenticated"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "unauthenticated"),
        ({"Authorization": f"Bearer {tampered}"}, "token_invalid"),
        ({"Authorization": "Bearer not-a-jwt"}, "token_invalid"),
    ]
    for headers, code in cases:
        response = await client.request(method, path, headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.json()["code"] == code
        assert response.headers["www-authenticate"] == "Bearer"
    clock.advance(901)  # access_token_ttl_s is 900
    expired = await client.request(method, path, headers=bearer(tokens))
    assert (expired.status_code, expired.json()["code"]) == (401, "token_expired")
