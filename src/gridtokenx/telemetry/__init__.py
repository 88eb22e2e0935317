"""Smart-meter telemetry: the signed reading format every meter, service and program shares.

- :mod:`~gridtokenx.telemetry.reading`: the 56-byte message a meter signs (the contract with
  the on-chain Registry), its encoder, decoder, vectorised fleet encoder and errors.
- :mod:`~gridtokenx.telemetry.envelope`: the Kafka record of a reading (schema version 1).
- :mod:`~gridtokenx.telemetry.validation`: which readings ingestion accepts and why it rejects
  the others (pure); :mod:`~gridtokenx.telemetry.signatures` verifies their Ed25519 signatures.
- :mod:`~gridtokenx.telemetry.intervals`: idempotent 15-minute interval rows (pure).
"""

from __future__ import annotations

from gridtokenx.telemetry.reading import (
    I64_MAX,
    PUBLIC_KEY_LEN,
    READING_DOMAIN_TAG,
    READING_DTYPE,
    READING_MESSAGE_LEN,
    SIGNATURE_LEN,
    ReadingDomainTagError,
    ReadingFormatError,
    ReadingLengthError,
    ReadingMessage,
    ReadingRangeError,
    SignedReading,
    decode_reading,
    encode_reading,
    encode_readings,
)

__all__ = [
    "I64_MAX",
    "PUBLIC_KEY_LEN",
    "READING_DOMAIN_TAG",
    "READING_DTYPE",
    "READING_MESSAGE_LEN",
    "SIGNATURE_LEN",
    "ReadingDomainTagError",
    "ReadingFormatError",
    "ReadingLengthError",
    "ReadingMessage",
    "ReadingRangeError",
    "SignedReading",
    "decode_reading",
    "encode_reading",
    "encode_readings",
]
