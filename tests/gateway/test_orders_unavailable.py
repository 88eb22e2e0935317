"""Without a bootstrapped chain (no addresses file) the order routes answer 503, not 500."""

from __future__ import annotations

import httpx
import pytest

from tests.gateway.wallet import BrowserWallet, bearer, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


async def test_order_routes_say_the_chain_is_unavailable(client: httpx.AsyncClient) -> None:
    headers = bearer(await sign_in(client, BrowserWallet()))
    body = {"side": "buy", "price_per_kwh": 100_000, "quantity": 1_000_000}
    for path, payload in (
        ("/v1/orders/prepare", body),
        (f"/v1/orders/{'1' * 32}/cancel/prepare", None),
        ("/v1/transactions/submit", {"transaction": "AAAA"}),
    ):
        response = await client.post(path, json=payload, headers=headers)
        if path.endswith("submit"):
            # The body is checked before the chain is needed.
            assert response.json()["code"] == "transaction_malformed"
            continue
        assert response.status_code == 503, response.text
        assert response.json()["code"] == "chain_unavailable"
        assert response.headers["retry-after"] == "5"
    # The listings only need PostgreSQL.
    for path in ("/v1/me/orders", "/v1/me/fills", "/v1/me/settlements"):
        response = await client.get(path, headers=headers)
        assert response.json() == {"data": [], "next_cursor": None}
