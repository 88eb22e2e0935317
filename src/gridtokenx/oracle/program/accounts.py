"""The account the local receiver writes: PriceUpdateV2 with ``Full`` verification, byte for byte
as Pyth's receiver lays it out (see ``gridtokenx.oracle.price_update`` for both variants).

This declaration fixes the verification level's tag to one ``u8`` (1 = Full), which is the only
variant the local program writes; the decoder reads real accounts of either variant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from solders.pubkey import Pubkey

from gridtokenx.chain.anchor.layout import I64, PUBKEY, U8, U64, AnchorAccount, ByteArray, Scalar

I32 = Scalar("i32", "i")


@dataclass(frozen=True)
class PriceUpdateV2(AnchorAccount):
    write_authority: Annotated[Pubkey, PUBKEY]
    verification_level: Annotated[int, U8]
    feed_id: Annotated[bytes, ByteArray(32)]
    price: Annotated[int, I64]
    conf: Annotated[int, U64]
    exponent: Annotated[int, I32]
    publish_time: Annotated[int, I64]
    prev_publish_time: Annotated[int, I64]
    ema_price: Annotated[int, I64]
    ema_conf: Annotated[int, U64]
    posted_slot: Annotated[int, U64]
    unused: Annotated[bytes, ByteArray(1)] = bytes(1)
    """The byte ``Full`` leaves free of the 134 Pyth allocates (``Partial`` is one longer)."""
