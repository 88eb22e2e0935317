"""Operator-only routes: other roles get 403 naming the roles required; operators see accounts."""

from __future__ import annotations

import httpx
import pytest

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
