"""The caller's account: linking wallets by signature, unlinking, and e-mail verification by a
link sent over SMTP to a real (local) SMTP server."""

from __future__ import annotations

import re
from email.message import Message
from typing import Any

import httpx
import pytest

from tests.gateway.conftest import Inbox
from tests.gateway.wallet import BrowserWallet, bearer, request_nonce, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


async def _link_nonce(
    client: httpx.AsyncClient, tokens: dict[str, Any], address: str
) -> dict[str, Any]:
    response = await client.post(
        "/v1/me/wallets/nonce", json={"address": address}, headers=bearer(tokens)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_second_wallet_is_linked_by_its_own_signature(client: httpx.AsyncClient) -> None:
    first, second = BrowserWallet(), BrowserWallet()
    tokens = await sign_in(client, first)
    nonce = await _link_nonce(client, tokens, second.address)
    assert tokens["user_id"] in nonce["input"]["statement"]
    linked = await client.post(
        "/v1/me/wallets", json=second.sign_in_output(nonce["input"]), headers=bearer(tokens)
    )
    assert linked.status_code == 201, linked.text
    me = (await client.get("/v1/me", headers=bearer(tokens))).json()
    assert {wallet["address"] for wallet in me["wallets"]} == {first.address, second.address}
    assert (await sign_in(client, second))["user_id"] == tokens["user_id"]

    unlinked = await client.delete(f"/v1/me/wallets/{second.address}", headers=bearer(tokens))
    assert unlinked.status_code == 204
    last = await client.delete(f"/v1/me/wallets/{first.address}", headers=bearer(tokens))
    assert (last.status_code, last.json()["code"]) == (409, "last_wallet")


async def test_linking_needs_the_new_wallets_signature(client: httpx.AsyncClient) -> None:
    owner, target, attacker = BrowserWallet(), BrowserWallet(), BrowserWallet()
    tokens = await sign_in(client, owner)
    nonce = await _link_nonce(client, tokens, target.address)
    # Another key signs a message naming the target wallet: the signature is not the target's.
    forged = attacker.sign_in_output(nonce["input"], address=target.address)
    forged["address"] = target.address
    refused = await client.post("/v1/me/wallets", json=forged, headers=bearer(tokens))
    assert (refused.status_code, refused.json()["code"]) == (401, "signature_invalid")


async def test_a_sign_in_nonce_cannot_link_and_a_link_nonce_cannot_sign_in(
    client: httpx.AsyncClient,
) -> None:
    owner, other = BrowserWallet(), BrowserWallet()
    tokens = await sign_in(client, owner)
    sign_in_nonce = await request_nonce(client, other.address)
    as_link = await client.post(
        "/v1/me/wallets",
        json=other.sign_in_output(sign_in_nonce["input"]),
        headers=bearer(tokens),
    )
    assert (as_link.status_code, as_link.json()["code"]) == (401, "nonce_invalid")
    link_nonce = await _link_nonce(client, tokens, other.address)
    as_sign_in = await client.post(
        "/v1/auth/sign-in", json=other.sign_in_output(link_nonce["input"])
    )
    assert (as_sign_in.status_code, as_sign_in.json()["code"]) == (401, "nonce_invalid")


async def test_a_link_nonce_belongs_to_the_account_it_was_issued_to(
    client: httpx.AsyncClient,
) -> None:
    alice, mallory, wallet = BrowserWallet(), BrowserWallet(), BrowserWallet()
    alice_tokens = await sign_in(client, alice)
    mallory_tokens = await sign_in(client, mallory)
    nonce = await _link_nonce(client, alice_tokens, wallet.address)
    stolen = await client.post(
        "/v1/me/wallets", json=wallet.sign_in_output(nonce["input"]), headers=bearer(mallory_tokens)
    )
    assert (stolen.status_code, stolen.json()["code"]) == (401, "nonce_invalid")


async def test_a_wallet_of_another_account_is_not_linked(client: httpx.AsyncClient) -> None:
    alice, bob = BrowserWallet(), BrowserWallet()
    alice_tokens = await sign_in(client, alice)
    await sign_in(client, bob)
    nonce = await _link_nonce(client, alice_tokens, bob.address)
    response = await client.post(
        "/v1/me/wallets", json=bob.sign_in_output(nonce["input"]), headers=bearer(alice_tokens)
    )
    assert (response.status_code, response.json()["code"]) == (409, "wallet_already_linked")


async def test_an_email_address_is_verified_by_a_single_use_link(
    client: httpx.AsyncClient, smtp_inbox: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp_inbox
    tokens = await sign_in(client, BrowserWallet())
    address = f"user-{tokens['user_id'][:8]}@example.org"
    accepted = await client.put("/v1/me/email", json={"email": address}, headers=bearer(tokens))
    assert accepted.status_code == 202, accepted.text
    mail = next(message for message in inbox.messages if message["To"] == address)
    assert mail["From"] == "GridTokenX <no-reply@gridtokenx.local>"
    body = mail.get_payload(decode=True)
    assert isinstance(body, bytes)
    match = re.search(
        r"http://127\.0\.0\.1:3000/verify-email\?token=([A-Za-z0-9_-]+)", body.decode()
    )
    assert match is not None, body
    me = (await client.get("/v1/me", headers=bearer(tokens))).json()
    assert (me["email"], me["email_verified"]) == (address, False)

    verified = await client.post("/v1/me/email/verify", json={"token": match[1]})
    assert verified.status_code == 200, verified.text
    assert verified.json()["email"] == address
    me = (await client.get("/v1/me", headers=bearer(tokens))).json()
    assert me["email_verified"] is True

    again = await client.post("/v1/me/email/verify", json={"token": match[1]})
    assert (again.status_code, again.json()["code"]) == (400, "email_token_invalid")
    unknown = await client.post("/v1/me/email/verify", json={"token": "x" * 43})
    assert (unknown.status_code, unknown.json()["code"]) == (400, "email_token_invalid")


async def test_a_malformed_email_address_is_refused(client: httpx.AsyncClient) -> None:
    tokens = await sign_in(client, BrowserWallet())
    response = await client.put(
        "/v1/me/email", json={"email": "not-an-address"}, headers=bearer(tokens)
    )
    assert (response.status_code, response.json()["code"]) == (422, "validation_failed")


def _token_in(mail: Message) -> str:
    body = mail.get_payload(decode=True)
    assert isinstance(body, bytes)
    match = re.search(r"\?token=([A-Za-z0-9_-]+)", body.decode())
    assert match is not None
    return match[1]


async def test_a_verified_address_belongs_to_one_account(
    client: httpx.AsyncClient, smtp_inbox: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp_inbox
    alice = await sign_in(client, BrowserWallet())
    bob = await sign_in(client, BrowserWallet())
    address = f"shared-{alice['user_id'][:8]}@example.org"
    for tokens in (alice, bob):
        response = await client.put("/v1/me/email", json={"email": address}, headers=bearer(tokens))
        assert response.status_code == 202
    alice_mail, bob_mail = (message for message in inbox.messages if message["To"] == address)
    first = await client.post("/v1/me/email/verify", json={"token": _token_in(alice_mail)})
    assert first.status_code == 200
    second = await client.post("/v1/me/email/verify", json={"token": _token_in(bob_mail)})
    assert (second.status_code, second.json()["code"]) == (409, "conflict")
