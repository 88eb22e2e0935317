"""Borsh layouts declared once, as annotated dataclasses, and used for bytes and the IDL alike.

A field's annotation carries its wire kind: ``Annotated[int, U64]``,
``Annotated[Pubkey, PUBKEY]``, ``Annotated[bytes, ByteArray(16)]``, or
``Annotated[tuple[Fill, ...], Vec(Fill)]`` (only as the last field). Fixed-size layouts compile
to one ``struct.Struct``, so decoding an account costs one ``unpack``.
"""

from __future__ import annotations

import dataclasses
import struct
import typing
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey

from gridtokenx.chain.anchor.discriminator import (
    DISCRIMINATOR_LEN,
    account_discriminator,
    instruction_discriminator,
)
from gridtokenx.chain.anchor.errors import AnchorCodecError


@dataclass(frozen=True)
class Scalar:
    idl_name: str
    struct_format: str


@dataclass(frozen=True)
class ByteArray:
    length: int


@dataclass(frozen=True)
class PubkeyKind:
    pass


@dataclass(frozen=True)
class Vec:
    element: type[BorshStruct]


U8 = Scalar("u8", "B")
U16 = Scalar("u16", "H")
U32 = Scalar("u32", "I")
U64 = Scalar("u64", "Q")
I64 = Scalar("i64", "q")
PUBKEY = PubkeyKind()

FieldKind = Scalar | ByteArray | PubkeyKind | Vec


def idl_type(kind: FieldKind) -> object:
    """The field's type as Anchor's IDL (0.30+ format) writes it."""
    if isinstance(kind, Scalar):
        return kind.idl_name
    if isinstance(kind, ByteArray):
        return {"array": ["u8", kind.length]}
    if isinstance(kind, PubkeyKind):
        return "pubkey"
    return {"vec": {"defined": {"name": kind.element.__name__}}}


def _struct_format(kind: Scalar | ByteArray | PubkeyKind) -> str:
    if isinstance(kind, Scalar):
        return kind.struct_format
    if isinstance(kind, ByteArray):
        return f"{kind.length}s"
    return "32s"


@dataclass(frozen=True)
class Layout:
    fields: tuple[tuple[str, FieldKind], ...]
    fixed: struct.Struct
    """The fixed-size fields, i.e. all fields but a trailing Vec."""
    vec: tuple[str, Vec] | None


_LAYOUTS: dict[type[BorshStruct], Layout] = {}


class BorshStruct:
    """Base of Borsh-encoded dataclasses; subclasses are ``@dataclass(frozen=True)``."""

    @classmethod
    def layout(cls) -> Layout:
        cached = _LAYOUTS.get(cls)
        if cached is not None:
            return cached
        hints = typing.get_type_hints(cls, include_extras=True)
        fields: list[tuple[str, FieldKind]] = []
        for field in dataclasses.fields(cls):  # type: ignore[arg-type]
            metadata = getattr(hints[field.name], "__metadata__", ())
            kinds = [m for m in metadata if isinstance(m, Scalar | ByteArray | PubkeyKind | Vec)]
            if len(kinds) != 1:
                raise TypeError(f"{cls.__name__}.{field.name} needs exactly one wire kind")
            fields.append((field.name, kinds[0]))
        vec: tuple[str, Vec] | None = None
        if fields and isinstance(fields[-1][1], Vec):
            name, last = fields[-1]
            assert isinstance(last, Vec)
            vec = (name, last)
        fixed_fields = fields[:-1] if vec else fields
        formats = []
        for name, kind in fixed_fields:
            if isinstance(kind, Vec):
                raise TypeError(f"{cls.__name__}.{name}: a Vec may only be the last field")
            formats.append(_struct_format(kind))
        layout = Layout(tuple(fields), struct.Struct("<" + "".join(formats)), vec)
        _LAYOUTS[cls] = layout
        return layout

    @classmethod
    def fixed_size(cls) -> int:
        """Encoded size in bytes, not counting a trailing Vec's length prefix and items."""
        return cls.layout().fixed.size

    def encode(self) -> bytes:
        layout = self.layout()
        values: list[object] = []
        for name, kind in layout.fields:
            if isinstance(kind, Vec):
                continue
            value = getattr(self, name)
            if isinstance(kind, PubkeyKind):
                value = bytes(value)
            elif isinstance(kind, ByteArray) and len(value) != kind.length:
                raise AnchorCodecError(
                    f"{type(self).__name__}.{name} must be {kind.length} bytes, got {len(value)}"
                )
            values.append(value)
        try:
            encoded = layout.fixed.pack(*values)
        except struct.error as exc:
            raise AnchorCodecError(f"{type(self).__name__}: {exc}") from exc
        if layout.vec is None:
            return encoded
        items: tuple[BorshStruct, ...] = getattr(self, layout.vec[0])
        return b"".join(
            [encoded, struct.pack("<I", len(items)), *(item.encode() for item in items)]
        )

    @classmethod
    def decode(cls, data: bytes) -> Self:
        value, consumed = cls.decode_prefix(data)
        if consumed != len(data):
            raise AnchorCodecError(
                f"{cls.__name__}: {len(data) - consumed} unexpected trailing bytes"
            )
        return value

    @classmethod
    def decode_prefix(cls, data: bytes) -> tuple[Self, int]:
        """Decode from the start of ``data``; returns the value and the bytes it used."""
        layout = cls.layout()
        if len(data) < layout.fixed.size:
            raise AnchorCodecError(
                f"{cls.__name__} needs {layout.fixed.size} bytes, got {len(data)}"
            )
        raw = layout.fixed.unpack_from(data)
        kwargs: dict[str, Any] = {}
        for (name, kind), value in zip(
            (f for f in layout.fields if not isinstance(f[1], Vec)), raw, strict=True
        ):
            kwargs[name] = Pubkey.from_bytes(value) if isinstance(kind, PubkeyKind) else value
        offset = layout.fixed.size
        if layout.vec is not None:
            name, vec = layout.vec
            if len(data) < offset + 4:
                raise AnchorCodecError(f"{cls.__name__}.{name}: missing the Vec length")
            (count,) = struct.unpack_from("<I", data, offset)
            offset += 4
            items = []
            for _ in range(count):
                item, used = vec.element.decode_prefix(data[offset:])
                items.append(item)
                offset += used
            kwargs[name] = tuple(items)
        return cls(**kwargs), offset


class AnchorAccount(BorshStruct):
    """Account data: the account discriminator, then the fields."""

    @classmethod
    def discriminator(cls) -> bytes:
        return account_discriminator(cls.__name__)

    @classmethod
    def size(cls) -> int:
        return DISCRIMINATOR_LEN + cls.fixed_size()

    def encode(self) -> bytes:
        return self.discriminator() + super().encode()

    @classmethod
    def decode_prefix(cls, data: bytes) -> tuple[Self, int]:
        if data[:DISCRIMINATOR_LEN] != cls.discriminator():
            raise AnchorCodecError(f"the account data is not a {cls.__name__}")
        value, used = super().decode_prefix(data[DISCRIMINATOR_LEN:])
        return value, DISCRIMINATOR_LEN + used


@dataclass(frozen=True)
class AccountSpec:
    """One account an instruction takes, in order, as its IDL lists it."""

    name: str
    writable: bool = False
    signer: bool = False
    address: Pubkey | None = None
    """Set for accounts that can only be one address (programs, sysvars)."""
    docs: str = ""


class AnchorInstruction(BorshStruct):
    """Instruction data: the instruction discriminator, then the arguments (the fields)."""

    NAME: ClassVar[str]
    ACCOUNTS: ClassVar[tuple[AccountSpec, ...]]
    REMAINING_ACCOUNTS: ClassVar[str] = ""
    """What follows the named accounts, if anything (e.g. meter and token account pairs)."""

    @classmethod
    def discriminator(cls) -> bytes:
        return instruction_discriminator(cls.NAME)

    def data(self) -> bytes:
        return self.discriminator() + self.encode()

    def instruction(
        self,
        program_id: Pubkey,
        accounts: dict[str, Pubkey],
        remaining: tuple[AccountMeta, ...] = (),
    ) -> Instruction:
        """The instruction with its accounts given by name; fixed addresses may be omitted."""
        metas = []
        for spec in self.ACCOUNTS:
            address = accounts.get(spec.name, spec.address)
            if address is None:
                raise AnchorCodecError(f"{self.NAME}: account {spec.name!r} is missing")
            metas.append(AccountMeta(address, is_signer=spec.signer, is_writable=spec.writable))
        unknown = set(accounts) - {spec.name for spec in self.ACCOUNTS}
        if unknown:
            raise AnchorCodecError(f"{self.NAME}: unknown accounts {sorted(unknown)}")
        return Instruction(program_id, self.data(), [*metas, *remaining])
