"""Sign-In With Solana against real Redis and PostgreSQL: the happy paths and each refusal."""

from __future__ import annotations

import base64

import httpx
import pytest

from tests.gateway.conftest import Clock
from tests.gateway.wallet import BrowserWallet, bearer, request_nonce, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


async def test_sign_in_with_the_wallet_standard_output(client: httpx.AsyncClient) -> None:
    wallet = BrowserWallet()
    nonce = await request_nonce(client)
    sign_in_input = nonce["input"]
    assert sign_in_input["domain"] == "127.0.0.1:3000"
    assert set(sign_in_input) >= {"nonce", "issuedAt", "expirationTime", "chainId", "uri"}
    response = await client.post("/v1/auth/sign-in", json=wallet.sign_in_output(sign_in_input))
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["role"] == "consumer"
    assert tokens["token_type"] == "bearer"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("gtx_refresh=")
    for attribute in ("HttpOnly", "Secure", "SameSite=strict", "Path=/v1/auth"):
        assert attribute.lower() in cookie.lower()
    assert tokens["access_token"] not in cookie
    me = await client.get("/v1/me", headers=bearer(tokens))
    assert me.status_code == 200
    assert me.json()["wallets"][0]["address"] == wallet.address
    assert me.json()["id"] == tokens["user_id"]


async def test_signing_in_again_finds_the_same_account(client: httpx.AsyncClient) -> None:
    wallet = BrowserWallet()
    first = await sign_in(client, wallet)
    second = await sign_in(client, wallet)
    assert first["user_id"] == second["user_id"]
    assert first["session_id"] != second["session_id"]


async def test_sign_in_with_a_plain_signed_message(client: httpx.AsyncClient) -> None:
    wallet = BrowserWallet()
    nonce = await request_nonce(client, wallet.address)
    message = nonce["message"].encode()
    assert message.startswith(b"127.0.0.1:3000 wants you to sign in with your Solana account:\n")
    response = await client.post(
        "/v1/auth/sign-in", json=wallet.body(message, wallet.sign(message))
    )
    assert response.status_code == 200, response.text


async def _refused(
    client: httpx.AsyncClient, body: dict[str, str], status: int, code: str
) -> dict[str, object]:
    response = await client.post("/v1/auth/sign-in", json=body)
    assert response.status_code == status, response.text
    error: dict[str, object] = response.json()
    assert error["code"] == code
    assert "set-cookie" not in response.headers
    return error


async def test_a_message_for_another_domain_is_refused(client: httpx.AsyncClient) -> None:
    wallet = BrowserWallet()
    nonce = await request_nonce(client)
    body = wallet.sign_in_output(nonce["input"], domain="evil.example")
    await _refused(client, body, 401, "sign_in_domain_mismatch")


async def test_an_expired_message_is_refused(client: httpx.AsyncClient, clock: Clock) -> None:
    wallet = BrowserWallet()
    nonce = await request_nonce(client)
    body = wallet.sign_in_output(nonce["input"])
    clock.advance(301)  # nonce_ttl_s is 300; the Redis key still lives (real time)
    await _refused(client, body, 401, "sign_in_expired")


async def test_a_message_from_the_future_is_refused(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    wallet = BrowserWallet()
    nonce = await request_nonce(client)
    body = wallet.sign_in_output(nonce["input"])
    clock.advance(-120)  # the server's clock now reads 2 min before Issued At; skew is 60 s
    await _refused(client, body, 401, "sign_in_not_yet_valid")


async def test_a_nonce_signs_in_once(client: httpx.AsyncClient) -> None:
    wallet = BrowserWallet()
    nonce = await request_nonce(client)
    body = wallet.sign_in_output(nonce["input"])
    assert (await client.post("/v1/auth/sign-in", json=body)).status_code == 200
    await _refused(client, body, 401, "nonce_invalid")


async def test_an_unknown_nonce_is_refused(client: httpx.AsyncClient) -> None:
    wallet = BrowserWallet()
    nonce = await request_nonce(client)
    body = wallet.sign_in_output(nonce["input"], nonce="0123456789abcdef0123456789abcdef")
    await _refused(client, body, 401, "nonce_invalid")


async def test_a_refused_attempt_burns_the_nonce(client: httpx.AsyncClient) -> None:
    wallet = BrowserWallet()
    nonce = await request_nonce(client)
    good = wallet.sign_in_output(nonce["input"])
    forged = wallet.body(base64.b64decode(good["signed_message"]), bytes(64))
    await _refused(client, forged, 401, "signature_invalid")
    await _refused(client, good, 401, "nonce_invalid")


async def test_a_bad_signature_is_refused(client: httpx.AsyncClient) -> None:
    wallet = BrowserWallet()
    nonce = await request_nonce(client)
    body = wallet.sign_in_output(nonce["input"])
    message = base64.b64decode(body["signed_message"])
    signed_other = wallet.sign(message + b" ")
    await _refused(client, wallet.body(message, signed_other), 401, "signature_invalid")


async def test_a_message_signed_by_another_key_is_refused(client: httpx.AsyncClient) -> None:
    wallet, thief = BrowserWallet(), BrowserWallet()
    nonce = await request_nonce(client)
    body = wallet.sign_in_output(nonce["input"])
    message = base64.b64decode(body["signed_message"])
    # The thief signs the victim's message: claiming the victim's address fails the signature.
    await _refused(client, wallet.body(message, thief.sign(message)), 401, "signature_invalid")


async def test_a_message_naming_another_address_is_refused(client: httpx.AsyncClient) -> None:
    wallet, other = BrowserWallet(), BrowserWallet()
    nonce = await request_nonce(client)
    body = wallet.sign_in_output(nonce["input"])
    message = base64.b64decode(body["signed_message"])
    claimed = other.body(message, other.sign(message))
    await _refused(client, claimed, 401, "sign_in_address_mismatch")


async def test_a_nonce_issued_for_one_address_refuses_another(client: httpx.AsyncClient) -> None:
    wallet, other = BrowserWallet(), BrowserWallet()
    nonce = await request_nonce(client, wallet.address)
    body = other.sign_in_output({**nonce["input"], "address": other.address})
    await _refused(client, body, 401, "sign_in_address_mismatch")


async def test_a_changed_field_is_refused(client: httpx.AsyncClient) -> None:
    wallet = BrowserWallet()
    nonce = await request_nonce(client)
    body = wallet.sign_in_output(nonce["input"], statement="Send all my tokens away")
    error = await _refused(client, body, 401, "sign_in_field_mismatch")
    assert error["details"] == {
        "field": "statement",
        "expected": nonce["input"]["statement"],
        "actual": "Send all my tokens away",
    }


async def test_bytes_that_are_no_sign_in_message_are_refused(client: httpx.AsyncClient) -> None:
    wallet = BrowserWallet()
    message = b"please sign here"
    await _refused(
        client, wallet.body(message, wallet.sign(message)), 400, "sign_in_message_malformed"
    )


async def test_configured_operator_wallets_sign_in_as_operators(
    client: httpx.AsyncClient, operator_wallet: BrowserWallet
) -> None:
    tokens = await sign_in(client, operator_wallet)
    assert tokens["role"] == "operator"
