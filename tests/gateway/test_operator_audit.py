"""The audit log: written by operator actions, listed with filters and cursors, exported as
CSV, and append-only in PostgreSQL itself (UPDATE, DELETE and TRUNCATE are refused)."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from gridtokenx.config import PostgresSettings
from gridtokenx.gateway.audit import AuditReasonError, record_audit
from gridtokenx.gateway.database import async_url
from tests.gateway.operator_rig import signed_in, user_id_of
from tests.gateway.wallet import BrowserWallet

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


async def _deactivate_and_back(
    client: httpx.AsyncClient, operator: dict[str, str], user_id: str, reason: str
) -> None:
    for action in ("deactivate", "reactivate"):
        response = await client.post(
            f"/v1/operator/users/{user_id}/{action}",
            json={"reason": f"{reason} ({action})"},
            headers=operator,
        )
        assert response.status_code == 200, response.text


async def test_the_audit_log_lists_newest_first_with_filters_and_cursors(
    client: httpx.AsyncClient, operator_wallet: BrowserWallet
) -> None:
    operator = await signed_in(client, operator_wallet)
    operator_id = await user_id_of(client, operator)
    user_id = await user_id_of(client, await signed_in(client, BrowserWallet()))
    operator = await signed_in(client, operator_wallet)
    await _deactivate_and_back(client, operator, user_id, "first")
    await _deactivate_and_back(client, operator, user_id, "second")

    target = f"user:{user_id}"
    pages: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"target": target, "limit": "3", **({"cursor": cursor} if cursor else {})}
        page = await client.get("/v1/operator/audit", params=params, headers=operator)
        assert page.status_code == 200, page.text
        pages.extend(page.json()["data"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert [entry["reason"] for entry in pages] == [
        "second (reactivate)",
        "second (deactivate)",
        "first (reactivate)",
        "first (deactivate)",
    ]
    assert {entry["actor_user_id"] for entry in pages} == {operator_id}
    ids = [entry["id"] for entry in pages]
    assert ids == sorted(ids, reverse=True)

    only = await client.get(
        "/v1/operator/audit",
        params={"target": "user:*", "action": "user.deactivated", "actor_user_id": operator_id},
        headers=operator,
    )
    assert {entry["action"] for entry in only.json()["data"]} == {"user.deactivated"}
    assert target in {entry["target"] for entry in only.json()["data"]}

    since = pages[-1]["occurred_at"]
    window = await client.get(
        "/v1/operator/audit",
        params={"target": target, "since": since, "until": since},
        headers=operator,
    )
    assert window.json()["data"] == []

    bad = await client.get("/v1/operator/audit", params={"cursor": "nonsense"}, headers=operator)
    assert (bad.status_code, bad.json()["code"]) == (422, "cursor_invalid")


async def test_the_audit_log_exports_csv(
    client: httpx.AsyncClient, operator_wallet: BrowserWallet
) -> None:
    user_id = await user_id_of(client, await signed_in(client, BrowserWallet()))
    operator = await signed_in(client, operator_wallet)
    await _deactivate_and_back(client, operator, user_id, '=HYPERLINK("x")')
    export = await client.get(
        "/v1/operator/audit/csv", params={"target": f"user:{user_id}"}, headers=operator
    )
    assert export.status_code == 200, export.text
    assert export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0] == [
        "id",
        "occurred_at",
        "actor_user_id",
        "action",
        "target",
        "reason",
        "details",
    ]
    assert [row[3] for row in rows[1:]] == ["user.reactivated", "user.deactivated"]
    # A reason that a spreadsheet would run as a formula is exported as text.
    assert all(row[5].startswith("'=HYPERLINK") for row in rows[1:])


async def test_audit_routes_need_an_operator(client: httpx.AsyncClient) -> None:
    headers = await signed_in(client, BrowserWallet())
    for path in ("/v1/operator/audit", "/v1/operator/audit/csv"):
        assert (await client.get(path)).status_code == 401
        refused = await client.get(path, headers=headers)
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden_role")


async def test_postgres_refuses_to_change_or_erase_audit_rows(
    accounts_database: PostgresSettings,
) -> None:
    engine = create_async_engine(async_url(accounts_database))
    actor = uuid.uuid4()
    try:
        async with engine.begin() as connection:
            await record_audit(
                connection,
                actor_user_id=actor,
                action="test.recorded",
                target="test:append-only",
                reason="proving the table is append-only",
                details={"n": 1},
            )
        with pytest.raises(AuditReasonError):
            async with engine.begin() as connection:
                await record_audit(
                    connection,
                    actor_user_id=actor,
                    action="test.recorded",
                    target="test:append-only",
                    reason="  ",
                    details={},
                )
    finally:
        await engine.dispose()

    with psycopg.connect(accounts_database.url, autocommit=True) as connection:
        for statement in (
            "UPDATE audit_log SET reason = 'rewritten' WHERE actor_user_id = %s",
            "DELETE FROM audit_log WHERE actor_user_id = %s",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                connection.execute(statement, (actor,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            connection.execute("TRUNCATE audit_log")
        rows = connection.execute(
            "SELECT action, target, reason, details FROM audit_log WHERE actor_user_id = %s",
            (actor,),
        ).fetchall()
    assert rows == [
        ("test.recorded", "test:append-only", "proving the table is append-only", {"n": 1})
    ]


async def test_a_failed_change_leaves_no_audit_row(
    client: httpx.AsyncClient, operator_wallet: BrowserWallet, accounts_database: PostgresSettings
) -> None:
    operator = await signed_in(client, operator_wallet)
    operator_id = await user_id_of(client, operator)
    refused = await client.post(
        f"/v1/operator/users/{operator_id}/deactivate",
        json={"reason": "should not be recorded"},
        headers=operator,
    )
    assert refused.status_code == 409
    with psycopg.connect(accounts_database.url) as connection:
        count = connection.execute(
            "SELECT count(*) FROM audit_log WHERE reason = 'should not be recorded'"
        ).fetchone()
    assert count == (0,)
