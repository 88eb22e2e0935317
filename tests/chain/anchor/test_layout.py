from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import pytest
from hypothesis import given
from hypothesis import strategies as st
from solders.pubkey import Pubkey

from gridtokenx.chain.anchor.discriminator import account_discriminator, instruction_discriminator
from gridtokenx.chain.anchor.errors import AnchorCodecError
from gridtokenx.chain.anchor.layout import (
    I64,
    PUBKEY,
    U8,
    U64,
    AccountSpec,
    AnchorAccount,
    AnchorInstruction,
    BorshStruct,
    ByteArray,
    Vec,
)


@dataclass(frozen=True)
class Pair(BorshStruct):
    quantity: Annotated[int, U64]
    price: Annotated[int, U64]


@dataclass(frozen=True)
class Sample(AnchorAccount):
    owner: Annotated[Pubkey, PUBKEY]
    balance: Annotated[int, U64]
    since: Annotated[int, I64]
    tag: Annotated[bytes, ByteArray(3)]
    flag: Annotated[int, U8]


@dataclass(frozen=True)
class Batch(AnchorInstruction):
    NAME = "batch"
    ACCOUNTS = (AccountSpec("payer", writable=True, signer=True), AccountSpec("market"))
    limit: Annotated[int, U8]
    pairs: Annotated[tuple[Pair, ...], Vec(Pair)]


def test_discriminators_are_anchors() -> None:
    # Anchor's discriminator of an instruction named "initialize", as its generated IDLs show.
    assert list(instruction_discriminator("initialize")) == [175, 175, 109, 31, 13, 152, 155, 237]
    assert len(account_discriminator("Market")) == 8
    assert account_discriminator("Market") != account_discriminator("Order")


def test_account_layout_is_packed_little_endian_after_the_discriminator() -> None:
    owner = Pubkey.new_unique()
    sample = Sample(owner=owner, balance=0x0102, since=-1, tag=b"abc", flag=7)
    data = sample.encode()
    assert Sample.size() == len(data) == 8 + 32 + 8 + 8 + 3 + 1
    assert data[:8] == account_discriminator("Sample")
    assert data[8:40] == bytes(owner)
    assert data[40:48] == (0x0102).to_bytes(8, "little")
    assert data[48:56] == b"\xff" * 8
    assert Sample.decode(data) == sample


def test_wrong_discriminator_length_or_range_is_refused() -> None:
    sample = Sample(owner=Pubkey.new_unique(), balance=1, since=0, tag=b"abc", flag=0)
    data = bytearray(sample.encode())
    data[0] ^= 1
    with pytest.raises(AnchorCodecError, match="not a Sample"):
        Sample.decode(bytes(data))
    with pytest.raises(AnchorCodecError, match="needs 52 bytes"):
        Sample.decode(sample.encode()[:-1])
    with pytest.raises(AnchorCodecError, match="trailing"):
        Sample.decode(sample.encode() + b"\0")
    with pytest.raises(AnchorCodecError, match="tag must be 3 bytes"):
        Sample(owner=Pubkey.new_unique(), balance=1, since=0, tag=b"ab", flag=0).encode()
    with pytest.raises(AnchorCodecError, match="Sample"):
        Sample(owner=Pubkey.new_unique(), balance=-1, since=0, tag=b"abc", flag=0).encode()


@given(
    limit=st.integers(0, 255),
    pairs=st.lists(st.tuples(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1)), max_size=9),
)
def test_instruction_data_round_trips_with_a_vec(limit: int, pairs: list[tuple[int, int]]) -> None:
    batch = Batch(limit=limit, pairs=tuple(Pair(quantity=q, price=p) for q, p in pairs))
    data = batch.data()
    assert data[:8] == instruction_discriminator("batch")
    assert data[9:13] == len(pairs).to_bytes(4, "little")
    assert len(data) == 8 + 1 + 4 + 16 * len(pairs)
    assert Batch.decode(data[8:]) == batch


def test_instruction_accounts_by_name() -> None:
    program_id, payer, market = Pubkey.new_unique(), Pubkey.new_unique(), Pubkey.new_unique()
    instruction = Batch(limit=1, pairs=()).instruction(
        program_id, {"payer": payer, "market": market}
    )
    assert instruction.program_id == program_id
    metas = [(m.pubkey, m.is_signer, m.is_writable) for m in instruction.accounts]
    assert metas == [(payer, True, True), (market, False, False)]
    with pytest.raises(AnchorCodecError, match="account 'market' is missing"):
        Batch(limit=1, pairs=()).instruction(program_id, {"payer": payer})
    with pytest.raises(AnchorCodecError, match="unknown accounts"):
        Batch(limit=1, pairs=()).instruction(
            program_id, {"payer": payer, "market": market, "extra": payer}
        )
