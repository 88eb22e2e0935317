"""Ed25519 verification of reading signatures (the cost that bounds ingestion per core)."""

from __future__ import annotations

from collections.abc import Sequence

from solders.pubkey import Pubkey
from solders.signature import Signature


def verify_each(triples: Sequence[tuple[bytes, bytes, bytes]]) -> list[bool]:
    """``(public_key, message, signature)`` → valid? One by one (~46 µs each with solders)."""
    return [
        Signature.from_bytes(signature).verify(Pubkey.from_bytes(public_key), message)
        for public_key, message, signature in triples
    ]
