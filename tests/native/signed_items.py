"""Ed25519 test material made with PyNaCl (libsodium), independent of the extension under test.

Crafted forgeries use plain integer arithmetic on the RFC 8032 scalars, so they need no
curve library: a signature whose ``R`` is the identity (``s = H(R || A || M) * a``) satisfies
the cofactorless equation yet must be rejected, as ``verify_strict`` and libsodium reject it.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Final

from nacl.signing import SigningKey
from solders.pubkey import Pubkey
from solders.signature import Signature

MESSAGE_LEN: Final = 56
GROUP_ORDER: Final = 2**252 + 27742317777372353535851937790883648493
IDENTITY: Final = (1).to_bytes(32, "little")  # the neutral point, of order 1


@dataclass(frozen=True)
class Signed:
    seed: bytes
    public_key: bytes
    message: bytes
    signature: bytes


class Forgery(Enum):
    FLIPPED_SIGNATURE_BIT = "flipped signature bit"
    FLIPPED_MESSAGE_BIT = "flipped message bit"
    ANOTHER_METERS_KEY = "another meter's key"
    RANDOM_KEY = "random key bytes"
    NON_CANONICAL_S = "s + L"
    IDENTITY_R = "R is the identity"
    WEAK_KEY = "small-order key, R identity, s = 0"


@cache
def signed_items(count: int, seed: int = 1) -> tuple[Signed, ...]:
    """``count`` readings-sized messages, each signed by its own key (deterministic)."""
    rng = random.Random(seed)
    items = []
    for _ in range(count):
        key_seed, message = rng.randbytes(32), rng.randbytes(MESSAGE_LEN)
        key = SigningKey(key_seed)
        signature = key.sign(message).signature
        items.append(Signed(key_seed, bytes(key.verify_key), message, signature))
    return tuple(items)


def forge(item: Signed, forgery: Forgery, other: Signed, rng: random.Random) -> Signed:
    """``item`` altered so that its signature must not verify."""
    if forgery is Forgery.FLIPPED_SIGNATURE_BIT:
        return _replace(item, signature=_flip(item.signature, rng.randrange(512)))
    if forgery is Forgery.FLIPPED_MESSAGE_BIT:
        return _replace(item, message=_flip(item.message, rng.randrange(8 * MESSAGE_LEN)))
    if forgery is Forgery.ANOTHER_METERS_KEY:
        return _replace(item, public_key=other.public_key)
    if forgery is Forgery.RANDOM_KEY:
        return _replace(item, public_key=rng.randbytes(32))
    if forgery is Forgery.NON_CANONICAL_S:
        s = int.from_bytes(item.signature[32:], "little") + GROUP_ORDER
        return _replace(item, signature=item.signature[:32] + s.to_bytes(32, "little"))
    if forgery is Forgery.IDENTITY_R:
        return _replace(item, signature=identity_r_signature(item))
    return _replace(item, public_key=IDENTITY, signature=IDENTITY + bytes(32))


def identity_r_signature(item: Signed) -> bytes:
    """``(R = identity, s = H(R || A || M) * a mod L)``: cofactorless-valid, small-order R."""
    expanded = hashlib.sha512(item.seed).digest()
    scalar = bytearray(expanded[:32])
    scalar[0] &= 248
    scalar[31] = (scalar[31] & 127) | 64
    a = int.from_bytes(scalar, "little")
    digest = hashlib.sha512(IDENTITY + item.public_key + item.message).digest()
    h = int.from_bytes(digest, "little") % GROUP_ORDER
    return IDENTITY + (h * a % GROUP_ORDER).to_bytes(32, "little")


def solders_verifies(item: Signed) -> bool:
    """Ed25519 ``verify_strict`` as Solana clients run it (solders)."""
    return Signature.from_bytes(item.signature).verify(
        Pubkey.from_bytes(item.public_key), item.message
    )


def _flip(data: bytes, bit: int) -> bytes:
    flipped = bytearray(data)
    flipped[bit // 8] ^= 1 << (bit % 8)
    return bytes(flipped)


def _replace(item: Signed, **changes: bytes) -> Signed:
    fields = {"public_key": item.public_key, "message": item.message, "signature": item.signature}
    return Signed(seed=item.seed, **(fields | changes))
