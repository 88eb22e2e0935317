"""A browser wallet as the tests need it: a real Ed25519 key that builds and signs messages.

``sign_in_output`` does what a Wallet Standard wallet's ``solana:signIn`` does with the input
the gateway returned: it writes the message text from the input itself (following the
``sign-in-with-solana`` ABNF, independently of the gateway's own formatter) and signs it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import httpx
from solders.keypair import Keypair


@dataclass
class BrowserWallet:
    keypair: Keypair = field(default_factory=Keypair)

    @property
    def address(self) -> str:
        return str(self.keypair.pubkey())

    def sign(self, message: bytes) -> bytes:
        return bytes(self.keypair.sign_message(message))

    def sign_in_output(self, sign_in_input: dict[str, Any], **changes: str) -> dict[str, str]:
        """The body for /v1/auth/sign-in: what ``signIn(input)`` returns, base64-encoded.
        ``changes`` overrides input fields before the message is written (a tampering wallet)."""
        fields = {**sign_in_input, "address": self.address, **changes}
        message = wallet_message_text(fields).encode()
        return self.body(message, self.sign(message))

    def body(self, message: bytes, signature: bytes, address: str | None = None) -> dict[str, str]:
        return {
            "address": address or self.address,
            "signed_message": base64.b64encode(message).decode(),
            "signature": base64.b64encode(signature).decode(),
        }


def wallet_message_text(fields: dict[str, Any]) -> str:
    text = f"{fields['domain']} wants you to sign in with your Solana account:\n{fields['address']}"
    if fields.get("statement"):
        text += f"\n\n{fields['statement']}"
    labels = (
        ("uri", "URI"),
        ("version", "Version"),
        ("chainId", "Chain ID"),
        ("nonce", "Nonce"),
        ("issuedAt", "Issued At"),
        ("expirationTime", "Expiration Time"),
        ("notBefore", "Not Before"),
        ("requestId", "Request ID"),
    )
    lines = [f"{label}: {fields[key]}" for key, label in labels if fields.get(key)]
    if fields.get("resources"):
        lines += ["Resources:", *(f"- {resource}" for resource in fields["resources"])]
    if lines:
        text += "\n\n" + "\n".join(lines)
    return text


async def request_nonce(client: httpx.AsyncClient, address: str | None = None) -> dict[str, Any]:
    response = await client.post("/v1/auth/nonce", json={"address": address} if address else {})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def sign_in(client: httpx.AsyncClient, wallet: BrowserWallet) -> dict[str, Any]:
    """A full sign-in through ``solana:signIn``; returns the token response body."""
    nonce = await request_nonce(client)
    response = await client.post("/v1/auth/sign-in", json=wallet.sign_in_output(nonce["input"]))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}
