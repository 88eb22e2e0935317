"""The authorization matrix: every protected route, called by every caller without the right.

The routes come from the application itself, so a route added later is in the matrix at once:
each protected route must answer 401 without a token, with another scheme, with a tampered or
malformed token and with an expired one; each role-restricted route must answer 403 to every
role it does not admit. Neither ever carries data (only the error body).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from gridtokenx.gateway.deps import PUBLIC_ROUTES
from gridtokenx.gateway.roles import ROLES, Role
from tests.gateway.conftest import Clock
from tests.gateway.routes import allowed_roles, api_routes
from tests.gateway.wallet import BrowserWallet, bearer, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

ERROR_KEYS = {"code", "message", "details"}
PROTECTED = [
    (method, path, route)
    for method, path, route in api_routes()
    if (method, path) not in PUBLIC_ROUTES
]
RESTRICTED = [
    (method, path, role)
    for method, path, route in PROTECTED
    for role in ROLES
    if role not in allowed_roles(route)
]


def concrete(path: str) -> str:
    """The path with a well-formed value in each parameter (access is checked before them)."""
    return re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)


async def signed_in_as(client: httpx.AsyncClient, app: FastAPI, role: Role) -> dict[str, Any]:
    wallet = BrowserWallet()
    tokens = await sign_in(client, wallet)
    if tokens["role"] == role:
        return tokens
    async with app.state.context.engine.begin() as connection:
        await connection.execute(
            text("UPDATE users SET role = :role WHERE id = :id"),
            {"role": role, "id": uuid.UUID(tokens["user_id"])},
        )
    tokens = await sign_in(client, wallet)
    assert tokens["role"] == role
    return tokens


def assert_error_only(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) <= ERROR_KEYS
    assert body["code"] == code


def test_the_matrix_covers_every_protected_route() -> None:
    assert len(PROTECTED) == len(api_routes()) - len(PUBLIC_ROUTES)
    assert RESTRICTED, "no route is restricted to a role"


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in PROTECTED])
async def test_protected_route_refuses_callers_without_a_valid_token(
    client: httpx.AsyncClient, clock: Clock, method: str, path: str
) -> None:
    tokens = await sign_in(client, BrowserWallet())
    header, payload, signature = tokens["access_token"].split(".")
    url = concrete(path)
    cases = [
        ({}, "unauthenticated"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "unauthenticated"),
        ({"Authorization": f"Bearer {header}.{payload}.{signature[:-4]}AAAA"}, "token_invalid"),
        ({"Authorization": f"Bearer {header}.{payload[:-2]}.{signature}"}, "token_invalid"),
        ({"Authorization": "Bearer not-a-jwt"}, "token_invalid"),
    ]
    for headers, code in cases:
        response = await client.request(method, url, headers=headers)
        assert_error_only(response, 401, code)
        assert response.headers["www-authenticate"] == "Bearer"
    clock.advance(901)  # access_token_ttl_s is 900
    assert_error_only(
        await client.request(method, url, headers=bearer(tokens)), 401, "token_expired"
    )


@pytest.mark.parametrize(("method", "path", "role"), RESTRICTED)
async def test_restricted_route_refuses_other_roles(
    client: httpx.AsyncClient, app: FastAPI, method: str, path: str, role: Role
) -> None:
    tokens = await signed_in_as(client, app, role)
    response = await client.request(method, concrete(path), headers=bearer(tokens))
    assert_error_only(response, 403, "forbidden_role")
    assert response.json()["details"]["role"] == role
