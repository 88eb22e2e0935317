"""Operators managing accounts on the real app (scratch PostgreSQL, the shared Redis): search,
role changes and deactivation that end sessions at once, with their audit rows."""

from __future__ import annotations

import uuid

import httpx
import pytest
from fastapi import FastAPI

from gridtokenx.config import PostgresSettings
from tests.gateway.operator_rig import (
    REASON,
    audit_rows,
    second_client,
    signed_in,
    user_id_of,
)
from tests.gateway.wallet import BrowserWallet, request_nonce

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


async def test_operators_search_users_by_wallet_prefix_email_and_role(
    client: httpx.AsyncClient, operator_wallet: BrowserWallet
) -> None:
    operator = await signed_in(client, operator_wallet)
    prosumer = BrowserWallet()
    headers = await signed_in(client, prosumer)
    user_id = await user_id_of(client, headers)

    found = await client.get(
        "/v1/operator/users", params={"wallet_prefix": prosumer.address[:12]}, headers=operator
    )
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["count"] == 1
    assert body["data"][0]["id"] == user_id
    assert body["data"][0]["wallets"] == [prosumer.address]
    assert body["data"][0]["active"] is True

    by_role = await client.get(
        "/v1/operator/users",
        params={"role": "operator", "limit": 500},
        headers=operator,
    )
    assert {user["role"] for user in by_role.json()["data"]} == {"operator"}
    assert operator_wallet.address in {
        wallet for user in by_role.json()["data"] for wallet in user["wallets"]
    }
    nobody = await client.get(
        "/v1/operator/users", params={"email": f"{uuid.uuid4().hex}@example.org"}, headers=operator
    )
    assert nobody.json() == {"data": [], "count": 0, "limit": 100, "offset": 0}

    bad = await client.get("/v1/operator/users", params={"wallet_prefix": "0OIl"}, headers=operator)
    assert (bad.status_code, bad.json()["code"]) == (422, "validation_failed")


async def test_users_routes_need_an_operator(client: httpx.AsyncClient) -> None:
    headers = await signed_in(client, BrowserWallet())
    user_id = await user_id_of(client, headers)
    for method, path, body in (
        ("GET", "/v1/operator/users", None),
        ("GET", f"/v1/operator/users/{user_id}", None),
        ("PUT", f"/v1/operator/users/{user_id}/role", {"role": "operator", **REASON}),
        ("POST", f"/v1/operator/users/{user_id}/deactivate", REASON),
        ("POST", f"/v1/operator/users/{user_id}/reactivate", REASON),
    ):
        anonymous = await client.request(method, path, json=body)
        assert (anonymous.status_code, anonymous.json()["code"]) == (401, "unauthenticated")
        refused = await client.request(method, path, json=body, headers=headers)
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden_role")
    me = await client.get("/v1/me", headers=headers)
    assert me.json()["role"] != "operator"


async def test_deactivation_ends_sessions_at_once_and_refuses_sign_in_and_refresh(
    app: FastAPI,
    client: httpx.AsyncClient,
    operator_wallet: BrowserWallet,
    accounts_database: PostgresSettings,
) -> None:
    operator = await signed_in(client, operator_wallet)
    operator_id = await user_id_of(client, operator)
    user = BrowserWallet()
    async with second_client(app) as browser:
        headers = await signed_in(browser, user)
        user_id = await user_id_of(browser, headers)

        deactivated = await client.post(
            f"/v1/operator/users/{user_id}/deactivate",
            json={"reason": "fraud report 17"},
            headers=operator,
        )
        assert deactivated.status_code == 200, deactivated.text
        assert deactivated.json()["active"] is False

        # The access token issued before is refused on the next request, and so is refresh.
        after = await browser.get("/v1/me", headers=headers)
        assert (after.status_code, after.json()["code"]) == (401, "session_revoked")
        refresh = await browser.post("/v1/auth/refresh")
        assert refresh.status_code in (401, 403)
        assert refresh.json()["code"] in ("refresh_token_invalid", "account_deactivated")

        nonce = await request_nonce(browser)
        sign_in = await browser.post("/v1/auth/sign-in", json=user.sign_in_output(nonce["input"]))
        assert (sign_in.status_code, sign_in.json()["code"]) == (403, "account_deactivated")

        again = await client.post(
            f"/v1/operator/users/{user_id}/deactivate", json=REASON, headers=operator
        )
        assert (again.status_code, again.json()["code"]) == (409, "account_state_unchanged")

        reactivated = await client.post(
            f"/v1/operator/users/{user_id}/reactivate",
            json={"reason": "cleared"},
            headers=operator,
        )
        assert reactivated.json()["active"] is True
        back = await signed_in(browser, user)
        assert (await browser.get("/v1/me", headers=back)).status_code == 200

    rows = audit_rows(accounts_database, f"user:{user_id}")
    assert [(row["action"], row["reason"]) for row in rows] == [
        ("user.deactivated", "fraud report 17"),
        ("user.reactivated", "cleared"),
    ]
    assert all(str(row["actor_user_id"]) == operator_id for row in rows)
    assert rows[0]["occurred_at"] <= rows[1]["occurred_at"]


async def test_a_role_change_applies_at_the_next_sign_in_and_ends_old_sessions(
    app: FastAPI,
    client: httpx.AsyncClient,
    operator_wallet: BrowserWallet,
    accounts_database: PostgresSettings,
) -> None:
    operator = await signed_in(client, operator_wallet)
    user = BrowserWallet()
    async with second_client(app) as browser:
        headers = await signed_in(browser, user)
        user_id = await user_id_of(browser, headers)
        before = (await browser.get("/v1/me", headers=headers)).json()["role"]
        role = "consumer" if before != "consumer" else "prosumer"

        changed = await client.put(
            f"/v1/operator/users/{user_id}/role",
            json={"role": role, "reason": "moved house"},
            headers=operator,
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["role"] == role
        stale = await browser.get("/v1/me", headers=headers)
        assert (stale.status_code, stale.json()["code"]) == (401, "session_revoked")
        fresh = await signed_in(browser, user)
        assert (await browser.get("/v1/me", headers=fresh)).json()["role"] == role

        same = await client.put(
            f"/v1/operator/users/{user_id}/role", json={"role": role, **REASON}, headers=operator
        )
        assert (same.status_code, same.json()["code"]) == (409, "account_state_unchanged")

    (row,) = audit_rows(accounts_database, f"user:{user_id}")
    assert (row["action"], row["details"]) == ("user.role_changed", {"from": before, "to": role})


async def test_operators_cannot_deactivate_or_demote_themselves(
    client: httpx.AsyncClient, operator_wallet: BrowserWallet
) -> None:
    operator = await signed_in(client, operator_wallet)
    operator_id = await user_id_of(client, operator)
    deactivate = await client.post(
        f"/v1/operator/users/{operator_id}/deactivate", json=REASON, headers=operator
    )
    assert (deactivate.status_code, deactivate.json()["code"]) == (409, "operator_self_action")
    demote = await client.put(
        f"/v1/operator/users/{operator_id}/role",
        json={"role": "consumer", **REASON},
        headers=operator,
    )
    assert (demote.status_code, demote.json()["code"]) == (409, "operator_self_action")
    assert (await client.get("/v1/me", headers=operator)).json()["role"] == "operator"


async def test_an_operator_of_the_configuration_cannot_be_demoted(
    app: FastAPI, client: httpx.AsyncClient, operator_wallet: BrowserWallet
) -> None:
    # A second operator (promoted by role change) tries to demote the configured one.
    async with second_client(app) as other:
        configured_id = await user_id_of(client, await signed_in(client, operator_wallet))
        colleague = BrowserWallet()
        colleague_id = await user_id_of(other, await signed_in(other, colleague))
        operator = await signed_in(client, operator_wallet)
        promoted = await client.put(
            f"/v1/operator/users/{colleague_id}/role",
            json={"role": "operator", **REASON},
            headers=operator,
        )
        assert promoted.status_code == 200, promoted.text
        colleague_headers = await signed_in(other, colleague)
        demote = await other.put(
            f"/v1/operator/users/{configured_id}/role",
            json={"role": "prosumer", **REASON},
            headers=colleague_headers,
        )
        assert (demote.status_code, demote.json()["code"]) == (409, "role_pinned_by_configuration")


async def test_changes_without_a_reason_or_for_nobody_are_refused(
    client: httpx.AsyncClient, operator_wallet: BrowserWallet
) -> None:
    operator = await signed_in(client, operator_wallet)
    user_id = await user_id_of(client, await signed_in(client, BrowserWallet()))
    operator = await signed_in(client, operator_wallet)
    for body in ({}, {"reason": ""}, {"reason": "   \n"}, {"reason": "x" * 1001}):
        refused = await client.post(
            f"/v1/operator/users/{user_id}/deactivate", json=body, headers=operator
        )
        assert (refused.status_code, refused.json()["code"]) == (422, "validation_failed")
    unknown = await client.post(
        f"/v1/operator/users/{uuid.uuid4()}/deactivate", json=REASON, headers=operator
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    bad_role = await client.put(
        f"/v1/operator/users/{user_id}/role", json={"role": "root", **REASON}, headers=operator
    )
    assert (bad_role.status_code, bad_role.json()["code"]) == (422, "validation_failed")
    not_uuid = await client.get("/v1/operator/users/abc", headers=operator)
    assert (not_uuid.status_code, not_uuid.json()["code"]) == (422, "validation_failed")
    user = await client.get(f"/v1/operator/users/{user_id}", headers=operator)
    assert user.json()["active"] is True
