"""In-app notifications and preferences (``/v1/me/notifications``,
``/v1/me/notification-preferences``) and the gateway's security notifications: a new sign-in,
a refresh token used twice; e-mail to a verified address over a real (local) SMTP server."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis

from gridtokenx.config import Settings
from gridtokenx.gateway.context import GatewayContext
from gridtokenx.gateway.notification_repository import NotificationRepository
from gridtokenx.notifications.events import NOTIFICATION_KINDS, user_channel
from tests.gateway.conftest import Inbox
from tests.gateway.wallet import BrowserWallet, bearer, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

COOKIE = "gtx_refresh"


def _context(app: FastAPI) -> GatewayContext:
    context: GatewayContext = app.state.context
    return context


async def _notifications(
    client: httpx.AsyncClient, tokens: dict[str, Any], **params: Any
) -> dict[str, Any]:
    response = await client.get("/v1/me/notifications", params=params, headers=bearer(tokens))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _add(app: FastAPI, user_id: str, count: int) -> list[int]:
    repository = NotificationRepository(_context(app).engine)
    ids = []
    for index in range(count):
        record = await repository.insert(
            uuid.UUID(user_id),
            kind="trade_settled",
            title="Trade settled",
            body=f"trade {index}",
            data={"trade_id": index},
            source_key=f"test:{uuid.uuid4()}",
        )
        assert record is not None
        ids.append(record.id)
    return ids


async def test_a_user_pages_marks_read_and_reads_all_their_notifications(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    tokens = await sign_in(client, BrowserWallet())
    first = await _notifications(client, tokens)
    # The sign-in itself is the first notification.
    assert [item["kind"] for item in first["data"]] == ["new_sign_in"]
    added = await _add(app, tokens["user_id"], 5)

    page = await _notifications(client, tokens, limit=4)
    assert [item["id"] for item in page["data"]] == added[::-1][:4]
    assert page["unread_count"] == 6
    rest = await _notifications(client, tokens, limit=4, cursor=page["next_cursor"])
    assert [item["id"] for item in rest["data"]] == [added[0], first["data"][0]["id"]]
    assert rest["next_cursor"] is None

    read = await client.post(f"/v1/me/notifications/{added[2]}/read", headers=bearer(tokens))
    assert read.status_code == 200, read.text
    assert read.json()["read_at"] is not None
    unread = await _notifications(client, tokens, unread="true")
    assert added[2] not in [item["id"] for item in unread["data"]]
    assert unread["unread_count"] == 5

    marked = await client.post("/v1/me/notifications/read-all", headers=bearer(tokens))
    assert marked.json() == {"marked": 5}
    after = await _notifications(client, tokens, unread="true")
    assert (after["data"], after["unread_count"]) == ([], 0)


async def test_another_users_notification_is_not_found(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    alice = await sign_in(client, BrowserWallet())
    mallory = await sign_in(client, BrowserWallet())
    [alices] = await _add(app, alice["user_id"], 1)
    stolen = await client.post(f"/v1/me/notifications/{alices}/read", headers=bearer(mallory))
    assert (stolen.status_code, stolen.json()["code"]) == (404, "notification_not_found")
    missing = await client.post(f"/v1/me/notifications/{2**62}/read", headers=bearer(mallory))
    assert (missing.status_code, missing.json()["code"]) == (404, "notification_not_found")
    seen = await _notifications(client, mallory)
    assert alices not in [item["id"] for item in seen["data"]]
    still = await _notifications(client, alice, unread="true")
    assert alices in [item["id"] for item in still["data"]]


async def test_a_foreign_or_malformed_cursor_is_refused(client: httpx.AsyncClient) -> None:
    tokens = await sign_in(client, BrowserWallet())
    for cursor in ("not-a-cursor", "WyJmaWxscyIsMV0"):  # the second: a cursor of /me/fills
        response = await client.get(
            "/v1/me/notifications", params={"cursor": cursor}, headers=bearer(tokens)
        )
        assert (response.status_code, response.json()["code"]) == (422, "cursor_invalid")


async def test_preferences_default_change_and_are_honoured_in_the_app(
    client: httpx.AsyncClient,
) -> None:
    wallet = BrowserWallet()
    tokens = await sign_in(client, wallet)
    defaults = (await client.get("/v1/me/notification-preferences", headers=bearer(tokens))).json()[
        "data"
    ]
    assert [item["kind"] for item in defaults] == list(NOTIFICATION_KINDS)
    assert {item["kind"]: item["email"] for item in defaults}["tokens_minted"] is False
    assert all(item["in_app"] for item in defaults)

    changed = await client.put(
        "/v1/me/notification-preferences",
        json={"preferences": [{"kind": "new_sign_in", "in_app": False}]},
        headers=bearer(tokens),
    )
    assert changed.status_code == 200, changed.text
    sign_ins = {item["kind"]: item for item in changed.json()["data"]}["new_sign_in"]
    assert (sign_ins["in_app"], sign_ins["email"]) == (False, True)

    again = await sign_in(client, wallet)
    kinds = [item["kind"] for item in (await _notifications(client, again))["data"]]
    assert kinds == ["new_sign_in"]  # the first sign-in's only

    unknown = await client.put(
        "/v1/me/notification-preferences",
        json={"preferences": [{"kind": "everything", "email": True}]},
        headers=bearer(tokens),
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "validation_failed")


async def _verify_email(
    client: httpx.AsyncClient, tokens: dict[str, Any], inbox: Inbox, address: str
) -> None:
    accepted = await client.put("/v1/me/email", json={"email": address}, headers=bearer(tokens))
    assert accepted.status_code == 202, accepted.text
    mail = next(message for message in inbox.messages if message["To"] == address)
    body = mail.get_payload(decode=True)
    assert isinstance(body, bytes)
    match = re.search(r"\?token=([A-Za-z0-9_-]+)", body.decode())
    assert match is not None
    verified = await client.post("/v1/me/email/verify", json={"token": match[1]})
    assert verified.status_code == 200, verified.text


def _mails_to(inbox: Inbox, address: str, subject: str) -> int:
    return sum(1 for m in inbox.messages if m["To"] == address and m["Subject"] == subject)


async def test_a_new_sign_in_is_mailed_to_the_verified_address_and_published(
    app: FastAPI,
    client: httpx.AsyncClient,
    smtp_inbox: tuple[Inbox, int],
    gateway_settings: Settings,
) -> None:
    inbox, _ = smtp_inbox
    wallet = BrowserWallet()
    tokens = await sign_in(client, wallet)
    address = f"signin-{tokens['user_id'][:8]}@example.org"
    await _verify_email(client, tokens, inbox, address)
    security = _context(app).auth.security
    assert security is not None
    redis = Redis(host=gateway_settings.redis.host, port=gateway_settings.redis.port)
    pubsub = redis.pubsub()
    await pubsub.subscribe(user_channel(uuid.UUID(tokens["user_id"])))
    confirmation = await pubsub.get_message(timeout=5.0)  # subscribed before the sign-in
    assert confirmation is not None
    assert confirmation["type"] == "subscribe"
    try:
        await sign_in(client, wallet)
        await security.wait_for_emails()
        assert _mails_to(inbox, address, "GridTokenX: New sign-in") == 1
        mail = next(m for m in inbox.messages if m["To"] == address and "sign-in" in m["Subject"])
        payload = mail.get_payload(decode=True)
        assert isinstance(payload, bytes)
        assert wallet.address in payload.decode()

        published = []
        while (message := await pubsub.get_message(timeout=1.0)) is not None:
            if message["type"] == "message":
                published.append(json.loads(message["data"]))
        assert [(e["kind"], e["data"]["kind"]) for e in published] == [
            ("notification", "new_sign_in")
        ]

        # Turned off by e-mail: the next sign-in is only in the app.
        off = await client.put(
            "/v1/me/notification-preferences",
            json={"preferences": [{"kind": "new_sign_in", "email": False}]},
            headers=bearer(tokens),
        )
        assert off.status_code == 200
        await sign_in(client, wallet)
        await security.wait_for_emails()
        assert _mails_to(inbox, address, "GridTokenX: New sign-in") == 1
        kinds = [item["kind"] for item in (await _notifications(client, tokens))["data"]]
        assert kinds == ["new_sign_in"] * 3
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await redis.aclose()


async def test_a_reused_refresh_token_is_notified_and_mailed(
    app: FastAPI, client: httpx.AsyncClient, smtp_inbox: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp_inbox
    tokens = await sign_in(client, BrowserWallet())
    address = f"reuse-{tokens['user_id'][:8]}@example.org"
    await _verify_email(client, tokens, inbox, address)
    first = client.cookies[COOKIE]
    assert (await client.post("/v1/auth/refresh")).status_code == 200
    client.cookies.clear()
    client.cookies.set(COOKIE, first, domain="testserver.local", path="/v1/auth")
    replay = await client.post("/v1/auth/refresh")
    assert replay.json()["code"] == "refresh_token_reused"
    security = _context(app).auth.security
    assert security is not None
    await security.wait_for_emails()
    subject = "GridTokenX: Session ended: its refresh token was used twice"
    assert _mails_to(inbox, address, subject) == 1
    fresh = await sign_in(client, BrowserWallet())  # another account sees none of it
    assert "refresh_token_reused" not in [
        item["kind"] for item in (await _notifications(client, fresh))["data"]
    ]
    repository = NotificationRepository(_context(app).engine)
    records, _ = await repository.page(
        uuid.UUID(tokens["user_id"]), unread_only=False, before_id=None, limit=10
    )
    assert [record.kind for record in records] == ["refresh_token_reused", "new_sign_in"]
    assert records[0].data == {"session_id": tokens["session_id"]}


async def test_the_meter_key_rotation_hook_notifies_and_mails_the_owner(
    app: FastAPI, client: httpx.AsyncClient, smtp_inbox: tuple[Inbox, int]
) -> None:
    # Nothing in the platform rotates or observes device keys yet: the hook is called directly.
    inbox, _ = smtp_inbox
    tokens = await sign_in(client, BrowserWallet())
    address = f"meter-{tokens['user_id'][:8]}@example.org"
    await _verify_email(client, tokens, inbox, address)
    security = _context(app).auth.security
    assert security is not None
    meter = uuid.uuid4()
    for _ in range(2):  # the same transaction twice: one notification
        await security.meter_key_rotated(
            user_id=uuid.UUID(tokens["user_id"]),
            meter_id=meter,
            signature="rotateSig1",
            at=datetime.now(UTC),
        )
    await security.wait_for_emails()
    listed = (await _notifications(client, tokens))["data"]
    rotated = [item for item in listed if item["kind"] == "meter_key_rotated"]
    assert [item["data"] for item in rotated] == [
        {"meter_id": str(meter), "signature": "rotateSig1"}
    ]
    assert _mails_to(inbox, address, "GridTokenX: Meter key rotated") == 1
