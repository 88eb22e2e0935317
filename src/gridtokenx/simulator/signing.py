"""Each meter's Ed25519 key, derived from the fleet seed, and signing of whole message buffers.

Key derivation (simulator only; a real meter generates its key in its secure element): the
32-byte Ed25519 seed of meter ``i`` is ``SHA-256("GRIDTOKENX:KEY:1" || seed u64 LE || i u64 LE)``.

Signing uses libsodium through PyNaCl, one call per message: no Python library offers batch
signing. libsodium releases the GIL while it signs, so ``threads`` > 1 signs in parallel. Messages
and signatures travel as contiguous buffers (``n * len`` bytes), the form the ingestion side and
a future batch signer take.
"""

from __future__ import annotations

import hashlib
import itertools
from concurrent.futures import ThreadPoolExecutor
from typing import Final

import numpy as np
import numpy.typing as npt
from nacl.bindings import crypto_sign, crypto_sign_seed_keypair

from gridtokenx.simulator.errors import SimulatorError
from gridtokenx.telemetry.reading import PUBLIC_KEY_LEN, SIGNATURE_LEN

KEY_DERIVATION_TAG: Final = b"GRIDTOKENX:KEY:1"


def derive_key_seed(fleet_seed: int, meter_index: int) -> bytes:
    """The 32-byte Ed25519 seed of meter ``meter_index`` of the fleet ``fleet_seed``."""
    return hashlib.sha256(
        KEY_DERIVATION_TAG + fleet_seed.to_bytes(8, "little") + meter_index.to_bytes(8, "little")
    ).digest()


class MeterKeyring:
    """The Ed25519 keys of a fleet, meter ``i`` at index ``i``."""

    def __init__(self, fleet_seed: int, meter_count: int, threads: int) -> None:
        self._threads = threads
        parts = _split(meter_count, threads)
        with ThreadPoolExecutor(threads) as pool:
            keypairs = pool.map(
                lambda bounds: [
                    crypto_sign_seed_keypair(derive_key_seed(fleet_seed, index))
                    for index in range(*bounds)
                ],
                parts,
            )
            pairs = [pair for part in keypairs for pair in part]
        self._secret_keys = [secret for _, secret in pairs]
        self.public_keys: npt.NDArray[np.uint8] = np.frombuffer(
            b"".join(public for public, _ in pairs), dtype=np.uint8
        ).reshape(meter_count, PUBLIC_KEY_LEN)

    def sign(self, messages: bytes, message_len: int) -> bytes:
        """Signatures of the ``n`` messages in ``messages``, 64 bytes each, in order.

        Message ``i`` is signed with meter ``i``'s key.
        """
        count = len(self._secret_keys)
        if len(messages) != count * message_len:
            raise SimulatorError(
                f"sign needs one {message_len}-byte message per meter ({count * message_len} "
                f"bytes), got {len(messages)} bytes"
            )
        keys = self._secret_keys

        def sign_part(bounds: tuple[int, int]) -> bytes:
            # crypto_sign returns signature || message: keep the signature.
            return b"".join(
                crypto_sign(messages[i * message_len : (i + 1) * message_len], keys[i])[
                    :SIGNATURE_LEN
                ]
                for i in range(*bounds)
            )

        parts = _split(count, self._threads)
        if len(parts) == 1:
            return sign_part(parts[0])
        with ThreadPoolExecutor(len(parts)) as pool:
            return b"".join(pool.map(sign_part, parts))


def _split(count: int, parts: int) -> list[tuple[int, int]]:
    """``count`` indices cut into at most ``parts`` contiguous, nearly equal ranges."""
    edges = np.linspace(0, count, min(parts, count) + 1).astype(int)
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges)]
