"""Ed25519 signing and verification of many messages per call (Rust, ed25519-dalek 2).

Buffers are contiguous ``bytes``: item ``i`` of a buffer of ``size``-byte items is at
``i * size``. Every call checks the buffer lengths first and raises ``ValueError`` naming the
expected sizes; the work runs with the GIL released, spread over ``threads`` threads.
"""

from typing import Final

VERIFY_CHUNK: Final[int]
"""Signatures per batch equation; a batch that fails is re-checked one signature at a time."""

def verify_batch(
    public_keys: bytes,
    messages: bytes,
    message_len: int,
    signatures: bytes,
    threads: int = 1,
) -> list[bool]:
    """Whether signature ``i`` (64 bytes) verifies message ``i`` under key ``i`` (32 bytes).

    Agrees with ed25519-dalek's ``verify_strict`` (the Solana Ed25519 precompile) on every
    signature by an honestly generated key; see ``native/gtx_ed25519/README.md`` for the one
    kind of crafted input where a batch may accept what ``verify_strict`` rejects.
    """

class KeyRing:
    """Device public keys decoded once and held in Rust, key ``i`` in slot ``i`` (32 bytes each).

    A key that ``verify_strict`` would refuse (undecodable, small order) is kept as a slot whose
    signatures never verify.
    """

    def __init__(self, public_keys: bytes) -> None: ...
    def __len__(self) -> int: ...
    def verify(
        self,
        slots: bytes,
        messages: bytes,
        message_len: int,
        signatures: bytes,
        threads: int = 1,
    ) -> bytes:
        """One byte per signature: 1 if signature ``i`` (64 bytes) verifies message ``i`` under
        the key in slot ``slots[i]`` (u32 little-endian, 4 bytes each), else 0.

        Raises ``ValueError`` for mis-sized buffers or a slot outside the ring. Signatures are
        grouped by key before batching (one term of the batch equation per key and chunk).
        """

class SigningKeys:
    """Signing keys held in Rust, built once from 32-byte seeds (RFC 8032 key generation)."""

    def __init__(self, seeds: bytes, threads: int = 1) -> None: ...
    def __len__(self) -> int: ...
    def public_keys(self) -> bytes:
        """The 32-byte public keys, key ``i`` at ``i * 32``."""

    def sign(self, messages: bytes, message_len: int, threads: int = 1) -> bytes:
        """The 64-byte RFC 8032 signatures of message ``i`` by key ``i``, concatenated."""
