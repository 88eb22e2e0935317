"""Meter ids: UUIDs, written as canonical strings off chain and as 16 bytes on chain.

The on-chain form is ``meter_id.bytes``: the 16 bytes in RFC 4122 (big-endian) order, the same
order as the canonical string read left to right, and never ``bytes_le``. Any UUID version is
accepted (meters may be provisioned with v4 or v7 ids), but the nil UUID (all zeros) and the max
UUID (all ones) are refused: an all-zero id is what an uninitialised account or a forgotten
field decodes to, and both are used as sentinels elsewhere.

Strings must be the canonical 8-4-4-4-12 hexadecimal form (either case), which is what
PostgreSQL, JavaScript and ``str(uuid)`` produce. ``uuid.UUID()`` also accepts braces, a
``urn:uuid:`` prefix and missing hyphens; those are refused so that one meter has one spelling
in logs, Kafka keys and URLs.
"""

from __future__ import annotations

import re
import uuid
from typing import Final, NewType

from gridtokenx.core.errors import MeterIdError

MeterId = NewType("MeterId", uuid.UUID)
"""The UUID of a registered smart meter."""

METER_ID_LEN: Final = 16
"""Bytes of a meter id on chain."""

_NIL: Final = uuid.UUID(int=0)
_MAX: Final = uuid.UUID(int=2**128 - 1)
_CANONICAL_RE: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def _checked(value: uuid.UUID) -> MeterId:
    if value in (_NIL, _MAX):
        raise MeterIdError(
            f"meter id {value} is the {'nil' if value == _NIL else 'max'} UUID, which is never "
            "a valid meter id (it is what an unset field decodes to)",
            value,
        )
    return MeterId(value)


def new_meter_id() -> MeterId:
    """A fresh random (version 4) meter id."""
    return MeterId(uuid.uuid4())


def parse_meter_id(value: str | uuid.UUID) -> MeterId:
    """Return the meter id of a canonical UUID string or of a ``uuid.UUID``.

    Raises MeterIdError for anything else, for a non-canonical string and for the nil and max
    UUIDs.
    """
    if isinstance(value, uuid.UUID):
        return _checked(value)
    if not isinstance(value, str):
        raise MeterIdError(
            f"a meter id must be a str or uuid.UUID, got {value!r} ({type(value).__name__})",
            value,
        )
    if _CANONICAL_RE.fullmatch(value) is None:
        raise MeterIdError(
            f"{value[:64]!r} is not a meter id: expected a UUID in the canonical 8-4-4-4-12 "
            "hexadecimal form, e.g. '0b6f5d5e-3c1a-4f7e-9d2b-8a4c6e1f2a3b'",
            value,
        )
    return _checked(uuid.UUID(value))


def meter_id_to_bytes(meter_id: uuid.UUID) -> bytes:
    """The 16-byte on-chain form of ``meter_id`` (``meter_id.bytes``, big-endian)."""
    return parse_meter_id(meter_id).bytes


def meter_id_from_bytes(data: bytes | bytearray | memoryview) -> MeterId:
    """The meter id stored as 16 big-endian bytes on chain (the inverse of meter_id_to_bytes).

    Raises MeterIdError if ``data`` is not exactly 16 bytes or is all zeros or all ones.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise MeterIdError(
            f"meter id bytes must be bytes, bytearray or memoryview, got {data!r} "
            f"({type(data).__name__})",
            data,
        )
    raw = bytes(data)
    if len(raw) != METER_ID_LEN:
        raise MeterIdError(
            f"meter id bytes {raw.hex()[:80]!r} are {len(raw)} bytes long; a meter id on "
            f"chain is exactly {METER_ID_LEN}",
            raw,
        )
    return _checked(uuid.UUID(bytes=raw))
