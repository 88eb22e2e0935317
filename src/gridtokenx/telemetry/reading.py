"""The signed-reading message: the 56 bytes a smart meter signs with its Ed25519 key.

This layout is a contract shared byte for byte with the on-chain Registry program (C), the
ingestion service and every meter. Change it only by minting a new domain tag version.

====== ====== ============= ========================================================
offset length field         encoding
====== ====== ============= ========================================================
0      16     domain tag    ASCII ``GRIDTOKENX:RDG:1`` (the last byte is the version)
16     16     meter_id      the meter's UUID, RFC 4122 byte order (``uuid.bytes``)
32     8      export_wh     u64 little-endian, cumulative energy exported to the grid (Wh)
40     8      import_wh     u64 little-endian, cumulative energy imported from the grid (Wh)
48     8      timestamp_ms  i64 little-endian, end of the metered interval, unix ms, UTC
====== ====== ============= ========================================================

Total: 56 bytes, no padding, no length prefix. The signature is Ed25519 (RFC 8032, pure, no
pre-hash) over exactly these 56 bytes; it is 64 bytes and the device public key 32 bytes.

Rules every reader enforces (and :func:`decode_reading` raises for):

- the message is exactly 56 bytes (:class:`ReadingLengthError`);
- the first 16 bytes are exactly the domain tag above (:class:`ReadingDomainTagError`), so a
  signature over some other message (a transaction, another version of this format) can never
  be replayed as a reading;
- the meter id is neither the nil nor the max UUID, and the timestamp is not negative
  (:class:`ReadingRangeError`). Registers are u64, so every 8 bytes are a valid register.

Registers are cumulative and only grow; whether a reading moves forward from the previous one
of the same meter is a rule of the Registry, not of this format.

This module is pure: no I/O, no cryptography. Signing lives with whoever holds the key (a meter
or the simulator), verification with the ingestion service and the Registry.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from gridtokenx.core.errors import MeterIdError
from gridtokenx.core.ids import METER_ID_LEN, MeterId, meter_id_from_bytes, parse_meter_id
from gridtokenx.core.u64 import U64_MAX
from gridtokenx.errors import GridTokenXError

READING_DOMAIN_TAG: Final = b"GRIDTOKENX:RDG:1"
"""The first 16 bytes of every version-1 reading message."""

READING_MESSAGE_LEN: Final = 56
"""Bytes of a reading message."""

PUBLIC_KEY_LEN: Final = 32
"""Bytes of an Ed25519 public key."""

SIGNATURE_LEN: Final = 64
"""Bytes of an Ed25519 signature."""

I64_MAX: Final = 2**63 - 1
"""The largest timestamp in unix milliseconds that the i64 field holds."""

_DOMAIN_TAG_PREFIX: Final = READING_DOMAIN_TAG[:-1]
_STRUCT: Final = struct.Struct("<16s16sQQq")

READING_DTYPE: Final = np.dtype(
    [
        ("domain_tag", "S16"),
        ("meter_id", np.uint8, (METER_ID_LEN,)),
        ("export_wh", "<u8"),
        ("import_wh", "<u8"),
        ("timestamp_ms", "<i8"),
    ]
)
"""The message as a numpy structured dtype (56 bytes, packed), for whole buffers of messages."""


class ReadingFormatError(GridTokenXError):
    """Bytes or values that do not make a valid reading message."""


class ReadingLengthError(ReadingFormatError):
    """A message that is not exactly 56 bytes long (or a buffer not a whole number of them)."""


class ReadingDomainTagError(ReadingFormatError):
    """A message that does not start with the version-1 domain tag."""


class ReadingRangeError(ReadingFormatError):
    """A field outside its range: a register outside u64, a negative or too large timestamp,
    a nil or max meter id, or a key or signature of the wrong length."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadingMessage:
    """The fields a meter signs: its id and both cumulative registers at ``timestamp_ms``.

    Construction checks every range, so a ``ReadingMessage`` always encodes.
    """

    meter_id: MeterId
    export_wh: int
    import_wh: int
    timestamp_ms: int

    def __post_init__(self) -> None:
        try:
            parse_meter_id(self.meter_id)
        except MeterIdError as exc:
            raise ReadingRangeError(f"reading meter_id: {exc}") from exc
        for name in ("export_wh", "import_wh"):
            _require_u64(getattr(self, name), name)
        _require_timestamp_ms(self.timestamp_ms)


@dataclass(frozen=True, slots=True, kw_only=True)
class SignedReading:
    """A reading message with the device public key and its Ed25519 signature over the message."""

    message: ReadingMessage
    public_key: bytes
    signature: bytes

    def __post_init__(self) -> None:
        if len(self.public_key) != PUBLIC_KEY_LEN:
            raise ReadingRangeError(
                f"public key of meter {self.message.meter_id} is {len(self.public_key)} bytes; "
                f"an Ed25519 public key is exactly {PUBLIC_KEY_LEN}"
            )
        if len(self.signature) != SIGNATURE_LEN:
            raise ReadingRangeError(
                f"signature of meter {self.message.meter_id} is {len(self.signature)} bytes; "
                f"an Ed25519 signature is exactly {SIGNATURE_LEN}"
            )

    def message_bytes(self) -> bytes:
        """The 56 signed bytes of this reading."""
        return encode_reading(self.message)


def encode_reading(message: ReadingMessage) -> bytes:
    """The 56-byte wire form of ``message`` (see the module docstring)."""
    return _STRUCT.pack(
        READING_DOMAIN_TAG,
        message.meter_id.bytes,
        message.export_wh,
        message.import_wh,
        message.timestamp_ms,
    )


def decode_reading(data: bytes | bytearray | memoryview) -> ReadingMessage:
    """Parse a 56-byte reading message.

    Raises ReadingLengthError, ReadingDomainTagError or ReadingRangeError naming what is wrong.
    """
    raw = bytes(data)
    if len(raw) != READING_MESSAGE_LEN:
        raise ReadingLengthError(
            f"a reading message is exactly {READING_MESSAGE_LEN} bytes, got {len(raw)} "
            f"(starting {raw[:16]!r}); check that the signature and key are not appended"
        )
    tag, meter_id_raw, export_wh, import_wh, timestamp_ms = _STRUCT.unpack(raw)
    if tag != READING_DOMAIN_TAG:
        if tag.startswith(_DOMAIN_TAG_PREFIX):
            raise ReadingDomainTagError(
                f"reading message has domain tag {tag!r}, a version this code does not read; "
                f"it reads {READING_DOMAIN_TAG!r} only: upgrade the reader"
            )
        raise ReadingDomainTagError(
            f"bytes starting {tag!r} are not a reading message (expected the domain tag "
            f"{READING_DOMAIN_TAG!r}); was a different message signed?"
        )
    try:
        meter_id = meter_id_from_bytes(meter_id_raw)
    except MeterIdError as exc:
        raise ReadingRangeError(f"reading meter_id: {exc}") from exc
    return ReadingMessage(
        meter_id=meter_id, export_wh=export_wh, import_wh=import_wh, timestamp_ms=timestamp_ms
    )


def encode_readings(
    *,
    meter_ids: npt.NDArray[np.uint8],
    export_wh: npt.NDArray[np.integer],
    import_wh: npt.NDArray[np.integer],
    timestamp_ms: int,
) -> bytes:
    """Encode a whole fleet's readings at one instant into one contiguous buffer.

    ``meter_ids`` is an ``(n, 16)`` array of UUID bytes, ``export_wh`` and ``import_wh`` are
    ``(n,)`` integer arrays of registers. Message ``i`` is ``buffer[56 * i : 56 * (i + 1)]`` and
    equals ``encode_reading`` of row ``i``. Ranges are checked for the whole arrays at once;
    meter ids are taken as given (the fleet that owns them checked them when it made them).
    """
    count = meter_ids.shape[0]
    if (
        meter_ids.shape != (count, METER_ID_LEN)
        or export_wh.shape != (count,)
        or (import_wh.shape != (count,))
    ):
        raise ReadingLengthError(
            f"encode_readings needs meter_ids of shape (n, {METER_ID_LEN}) and registers of "
            f"shape (n,); got {meter_ids.shape}, {export_wh.shape} and {import_wh.shape}"
        )
    for name, register in (("export_wh", export_wh), ("import_wh", import_wh)):
        if count and (int(register.min()) < 0 or int(register.max()) > U64_MAX):
            raise ReadingRangeError(
                f"{name} registers span {int(register.min())}..{int(register.max())}; "
                f"registers are u64 (0..{U64_MAX})"
            )
    _require_timestamp_ms(timestamp_ms)
    messages = np.empty(count, dtype=READING_DTYPE)
    messages["domain_tag"] = READING_DOMAIN_TAG
    messages["meter_id"] = meter_ids
    messages["export_wh"] = export_wh
    messages["import_wh"] = import_wh
    messages["timestamp_ms"] = timestamp_ms
    return messages.tobytes()


def _require_u64(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= U64_MAX:
        raise ReadingRangeError(
            f"reading {name}={value!r} is not a u64 register (an int in 0..{U64_MAX})"
        )


def _require_timestamp_ms(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= I64_MAX:
        raise ReadingRangeError(
            f"reading timestamp_ms={value!r} must be an int of unix milliseconds in "
            f"0..{I64_MAX}; convert datetimes with gridtokenx.core.time"
        )
