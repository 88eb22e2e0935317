"""The Kafka record of one reading on topic ``meter-readings`` (schema version 1).

Key: the meter id's 16 bytes, so every reading of a meter lands in one partition, in order.
Value, 121 bytes: ``schema_version`` u8 (= 1), the 56-byte signed reading message
(:mod:`gridtokenx.telemetry.reading`), the 64-byte Ed25519 signature. The device key is not
carried: ingestion verifies against the key the meter was commissioned with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from gridtokenx.telemetry.reading import READING_DTYPE, READING_MESSAGE_LEN, SIGNATURE_LEN

SCHEMA_VERSION: Final = 1
ENVELOPE_LEN: Final = 1 + READING_MESSAGE_LEN + SIGNATURE_LEN

ENVELOPE_DTYPE: Final = np.dtype(
    [
        ("schema_version", np.uint8),
        ("message", READING_DTYPE),
        ("signature", np.uint8, (SIGNATURE_LEN,)),
    ]
)
"""A version-1 record value as a numpy structured dtype (121 bytes, packed), for whole batches."""


@dataclass(frozen=True, slots=True)
class ReadingEnvelope:
    message: bytes
    signature: bytes


def encode_envelope(message: bytes, signature: bytes) -> bytes:
    if len(message) != READING_MESSAGE_LEN or len(signature) != SIGNATURE_LEN:
        raise ValueError(
            f"an envelope holds a {READING_MESSAGE_LEN}-byte message and a {SIGNATURE_LEN}-byte "
            f"signature, got {len(message)} and {len(signature)}"
        )
    return bytes([SCHEMA_VERSION]) + message + signature
