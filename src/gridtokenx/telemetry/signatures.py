"""Ed25519 verification of reading signatures (the cost that bounds ingestion per core).

Signatures are checked by the native ``gridtokenx_ed25519`` extension (ed25519-dalek, built by
``make native``) in batches, over every core this process may run on: one forged signature is
isolated by re-checking its batch one signature at a time, so it never hides or sinks the others.
Results agree with ``verify_strict`` (the Solana Ed25519 precompile) for every honestly made key;
``native/gtx_ed25519/README.md`` says where a batch is more lenient.

Ingestion verifies through a :class:`SlotVerifier`: the device keys of every known meter are
decoded once into a native ``KeyRing`` and each signature names its meter's slot, which saves
decoding the key at every signature and lets one meter's readings share one term of the batch
equation (about half the cost per signature of :func:`verify_each`, see bench/ed25519.py).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
from gridtokenx_ed25519 import KeyRing, verify_batch

from gridtokenx.telemetry.reading import PUBLIC_KEY_LEN, READING_MESSAGE_LEN, SIGNATURE_LEN

VERIFY_THREADS: Final = len(os.sched_getaffinity(0))


def verify_each(triples: Sequence[tuple[bytes, bytes, bytes]]) -> list[bool]:
    """``(public_key, message, signature)`` → valid?, in order.

    Raises ValueError if a key is not 32 bytes or a signature not 64 (a caller's defect, not a
    forgery). Messages may differ in length; each length is verified as one contiguous batch.
    """
    by_length: defaultdict[int, list[int]] = defaultdict(list)
    for index, (public_key, message, signature) in enumerate(triples):
        if len(public_key) != PUBLIC_KEY_LEN or len(signature) != SIGNATURE_LEN:
            raise ValueError(
                f"triple {index}: an Ed25519 key is {PUBLIC_KEY_LEN} bytes and a signature "
                f"{SIGNATURE_LEN} bytes, got {len(public_key)} and {len(signature)}"
            )
        by_length[len(message)].append(index)
    valid = [False] * len(triples)
    for message_len, indices in by_length.items():
        group = [triples[index] for index in indices]
        results = verify_batch(
            b"".join(public_key for public_key, _, _ in group),
            b"".join(message for _, message, _ in group),
            message_len,
            b"".join(signature for _, _, signature in group),
            threads=VERIFY_THREADS,
        )
        for index, result in zip(indices, results, strict=True):
            valid[index] = result
    return valid


class SlotVerifier:
    """Verifies reading signatures against the key in each signature's slot of a key table.

    Called as a :data:`~gridtokenx.telemetry.validation.SlotSignatureCheck`; the native key
    ring is rebuilt only when the table's keys changed (a meter learned or re-keyed).
    """

    def __init__(self, threads: int = VERIFY_THREADS) -> None:
        self._threads = threads
        self._public_keys = b""
        self._ring = KeyRing(b"")

    def __call__(
        self, public_keys: bytes, slots: npt.NDArray[np.uint32], messages: bytes, signatures: bytes
    ) -> npt.NDArray[np.bool_]:
        # The table replaces its key buffer when it changes: identity is the cheap check.
        if public_keys is not self._public_keys and public_keys != self._public_keys:
            self._ring = KeyRing(public_keys)
            self._public_keys = public_keys
        valid = self._ring.verify(
            slots.astype("<u4").tobytes(),
            messages,
            READING_MESSAGE_LEN,
            signatures,
            threads=self._threads,
        )
        return np.frombuffer(valid, np.bool_)
