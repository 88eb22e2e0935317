"""What the order-route tests share: a private bootstrapped chain, funded wallets signed in to
the gateway, and a browser wallet's signing of a prepared transaction.

``sign_prepared`` does what a Wallet Standard wallet's ``solana:signTransaction`` does with the
bytes it is given: deserialize the wire transaction, sign its message with the wallet's key, put
the signature in the signer's slot and serialize it again.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import httpx
from solders.keypair import Keypair
from solders.message import to_bytes_versioned
from solders.transaction import VersionedTransaction

from gridtokenx.chain.traders import Trader
from tests.gateway.wallet import BrowserWallet, bearer, sign_in


@dataclass
class SignedInTrader:
    trader: Trader
    wallet: BrowserWallet
    headers: dict[str, str]

    @property
    def address(self) -> str:
        return self.wallet.address


async def signed_in(client: httpx.AsyncClient, trader: Trader) -> SignedInTrader:
    wallet = BrowserWallet(keypair=trader.wallet)
    return SignedInTrader(trader, wallet, bearer(await sign_in(client, wallet)))


def sign_prepared(transaction_base64: str, keypair: Keypair) -> str:
    """The wallet's ``signTransaction``: the same transaction with the key's signature."""
    unsigned = VersionedTransaction.from_bytes(base64.b64decode(transaction_base64))
    message = unsigned.message
    signature = keypair.sign_message(to_bytes_versioned(message))
    signers = list(message.account_keys[: message.header.num_required_signatures])
    signatures = list(unsigned.signatures)
    signatures[signers.index(keypair.pubkey())] = signature
    return base64.b64encode(bytes(VersionedTransaction.populate(message, signatures))).decode()


async def prepare_and_submit(
    client: httpx.AsyncClient, who: SignedInTrader, path: str, body: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """prepare → the wallet signs → submit (waiting for confirmation); both answers."""
    prepared = await client.post(path, json=body, headers=who.headers)
    assert prepared.status_code == 200, prepared.text
    signed = sign_prepared(prepared.json()["transaction"], who.trader.wallet)
    submitted = await client.post(
        "/v1/transactions/submit", json={"transaction": signed, "wait": True}, headers=who.headers
    )
    assert submitted.status_code == 200, submitted.text
    return prepared.json(), submitted.json()
