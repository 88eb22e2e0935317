"""The local receiver's instructions (``programs/pyth_local/src/instruction.h``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from solders.system_program import ID as SYSTEM_PROGRAM_ID

from gridtokenx.chain.anchor.layout import I64, U16, U64, AccountSpec, AnchorInstruction, ByteArray
from gridtokenx.oracle.program.accounts import I32


@dataclass(frozen=True)
class InitPriceFeed(AnchorInstruction):
    """Create the PriceUpdateV2 account of a feed (Full verification, no price yet) at the PDA
    [shard_id u16 LE, feed_id]; the signer becomes its write authority."""

    NAME = "init_price_feed"
    ACCOUNTS = (
        AccountSpec("price_feed", writable=True, docs="PDA [shard_id u16 LE, feed_id]"),
        AccountSpec("write_authority", signer=True, docs="the only key that may update it"),
        AccountSpec("payer", writable=True, signer=True, docs="pays the rent"),
        AccountSpec("system_program", address=SYSTEM_PROGRAM_ID),
    )
    shard_id: Annotated[int, U16]
    feed_id: Annotated[bytes, ByteArray(32)]


@dataclass(frozen=True)
class UpdatePrice(AnchorInstruction):
    """Write a newer price: publish_time must exceed the stored one and not run ahead of the
    cluster clock by more than 60 s; posted_slot becomes the current slot."""

    NAME = "update_price"
    ACCOUNTS = (
        AccountSpec("price_feed", writable=True),
        AccountSpec("write_authority", signer=True, docs="the account's write authority"),
    )
    price: Annotated[int, I64]
    conf: Annotated[int, U64]
    exponent: Annotated[int, I32]
    publish_time: Annotated[int, I64]
    prev_publish_time: Annotated[int, I64]
    ema_price: Annotated[int, I64]
    ema_conf: Annotated[int, U64]
