"""Pyth's PriceUpdateV2 account, decoded byte for byte (pure, no I/O).

Layout (Borsh, as ``pyth_solana_receiver_sdk::price_update`` derives it; allocated with
``PriceUpdateV2::LEN`` = 134 bytes):

| offset | size | field |
| --- | --- | --- |
| 0 | 8 | discriminator ``sha256("account:PriceUpdateV2")[:8]`` |
| 8 | 32 | write_authority |
| 40 | 1 | verification_level tag: 0 ``Partial``, 1 ``Full`` |
| 41 | 1 | ``Partial`` only: num_signatures u8 |
| 41 or 42 | 84 | price_message (below) |
| +84 | 8 | posted_slot u64 |

price_message is feed_id [u8; 32], price i64, conf u64, exponent i32, publish_time i64,
prev_publish_time i64, ema_price i64, ema_conf u64.

``Full`` is one byte shorter than ``Partial``, so a full update leaves the account's last byte
unused and every field after the tag sits one byte earlier: offsets are not fixed, which is why
this decoder reads the tag first. The actual price is ``price * 10^exponent`` (± ``conf`` on the
same scale); ``publish_time`` is unix seconds.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from solders.pubkey import Pubkey

from gridtokenx.oracle.errors import MalformedPriceUpdateError, WrongDiscriminatorError

PRICE_UPDATE_V2_DISCRIMINATOR = hashlib.sha256(b"account:PriceUpdateV2").digest()[:8]
PRICE_UPDATE_V2_LEN = 134
PARTIAL = 0
FULL = 1
_WRITE_AUTHORITY = slice(8, 40)
_TAG_OFFSET = 40
_MESSAGE = struct.Struct("<32sqQiqqqQQ")
"""price_message and posted_slot."""


@dataclass(frozen=True)
class VerificationLevel:
    """How many Wormhole guardian signatures the receiver checked for this update."""

    full: bool
    num_signatures: int = 0
    """Only meaningful when not ``full``."""

    def __str__(self) -> str:
        return "full" if self.full else f"partial ({self.num_signatures} signatures)"


FULL_VERIFICATION = VerificationLevel(full=True)


@dataclass(frozen=True)
class PriceUpdate:
    """A decoded PriceUpdateV2: every field of the account."""

    write_authority: Pubkey
    verification: VerificationLevel
    feed_id: bytes
    price: int
    """Mantissa, i64."""
    conf: int
    """Confidence interval on the price's scale, u64."""
    exponent: int
    """i32; the price is ``price * 10^exponent``."""
    publish_time: int
    """Unix seconds."""
    prev_publish_time: int
    ema_price: int
    ema_conf: int
    posted_slot: int

    def encode(self) -> bytes:
        """The account's 134 bytes as the receiver writes them (zero padding at the end)."""
        if self.verification.full:
            level = bytes([FULL])
        else:
            level = bytes([PARTIAL, self.verification.num_signatures])
        body = _MESSAGE.pack(
            self.feed_id,
            self.price,
            self.conf,
            self.exponent,
            self.publish_time,
            self.prev_publish_time,
            self.ema_price,
            self.ema_conf,
            self.posted_slot,
        )
        data = PRICE_UPDATE_V2_DISCRIMINATOR + bytes(self.write_authority) + level + body
        return data.ljust(PRICE_UPDATE_V2_LEN, b"\0")


def decode_price_update(data: bytes) -> PriceUpdate:
    """Decode an account's data; raises on a foreign discriminator or malformed bytes."""
    if data[:8] != PRICE_UPDATE_V2_DISCRIMINATOR:
        raise WrongDiscriminatorError(
            f"the account data starts with {data[:8].hex()}, not PriceUpdateV2's "
            f"{PRICE_UPDATE_V2_DISCRIMINATOR.hex()}: it is not a Pyth price update"
        )
    if len(data) <= _TAG_OFFSET:
        raise MalformedPriceUpdateError(f"a PriceUpdateV2 of {len(data)} bytes has no fields")
    tag = data[_TAG_OFFSET]
    if tag == FULL:
        verification = FULL_VERIFICATION
        message_offset = _TAG_OFFSET + 1
    elif tag == PARTIAL and len(data) > _TAG_OFFSET + 1:
        verification = VerificationLevel(full=False, num_signatures=data[_TAG_OFFSET + 1])
        message_offset = _TAG_OFFSET + 2
    else:
        raise MalformedPriceUpdateError(
            f"verification level tag {tag} is neither 0 (Partial) nor 1 (Full)"
        )
    if len(data) < message_offset + _MESSAGE.size:
        raise MalformedPriceUpdateError(
            f"a PriceUpdateV2 needs {message_offset + _MESSAGE.size} bytes, got {len(data)}"
        )
    (
        feed_id,
        price,
        conf,
        exponent,
        publish_time,
        prev_publish_time,
        ema_price,
        ema_conf,
        posted_slot,
    ) = _MESSAGE.unpack_from(data, message_offset)
    return PriceUpdate(
        write_authority=Pubkey.from_bytes(data[_WRITE_AUTHORITY]),
        verification=verification,
        feed_id=feed_id,
        price=price,
        conf=conf,
        exponent=exponent,
        publish_time=publish_time,
        prev_publish_time=prev_publish_time,
        ema_price=ema_price,
        ema_conf=ema_conf,
        posted_slot=posted_slot,
    )
