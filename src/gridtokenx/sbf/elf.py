"""Reading ELF64 little-endian files: the BPF relocatable objects clang emits, and linked programs.

Only what the linker and the checker need: section headers with their bytes, the symbol table
and REL relocation tables (BPF objects never use RELA).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from gridtokenx.sbf.errors import ObjectFormatError

ELF_MAGIC = b"\x7fELF"
ELFCLASS64 = 2
ELFDATA2LSB = 1
EV_CURRENT = 1
ET_REL = 1
ET_DYN = 3
EM_BPF = 247

SHT_NULL = 0
SHT_PROGBITS = 1
SHT_SYMTAB = 2
SHT_STRTAB = 3
SHT_RELA = 4
SHT_DYNAMIC = 6
SHT_NOBITS = 8
SHT_REL = 9
SHT_DYNSYM = 11

SHF_WRITE = 0x1
SHF_ALLOC = 0x2
SHF_EXECINSTR = 0x4

SHN_UNDEF = 0
SHN_ABS = 0xFFF1
SHN_COMMON = 0xFFF2

STB_LOCAL = 0
STB_GLOBAL = 1
STB_WEAK = 2
STT_NOTYPE = 0
STT_OBJECT = 1
STT_FUNC = 2
STT_SECTION = 3

R_BPF_NONE = 0
R_BPF_64_64 = 1
R_BPF_64_ABS64 = 2
R_BPF_64_ABS32 = 3
R_BPF_64_NODYLD32 = 4
R_BPF_64_32 = 10

RELOCATION_NAMES = {
    R_BPF_NONE: "R_BPF_NONE",
    R_BPF_64_64: "R_BPF_64_64",
    R_BPF_64_ABS64: "R_BPF_64_ABS64",
    R_BPF_64_ABS32: "R_BPF_64_ABS32",
    R_BPF_64_NODYLD32: "R_BPF_64_NODYLD32",
    R_BPF_64_32: "R_BPF_64_32",
}

FILE_HEADER = struct.Struct("<16sHHIQQQIHHHHHH")
SECTION_HEADER = struct.Struct("<IIQQQQIIQQ")
PROGRAM_HEADER = struct.Struct("<IIQQQQQQ")
SYMBOL = struct.Struct("<IBBHQQ")
REL = struct.Struct("<QQ")
DYNAMIC_ENTRY = struct.Struct("<qQ")


def relocation_name(kind: int) -> str:
    """The ELF name of a BPF relocation type, or its number when unknown."""
    return RELOCATION_NAMES.get(kind, f"relocation type {kind}")


@dataclass(frozen=True, slots=True)
class Section:
    index: int
    name: str
    kind: int
    flags: int
    address: int
    offset: int
    size: int
    link: int
    info: int
    alignment: int
    entry_size: int
    data: bytes

    @property
    def is_alloc(self) -> bool:
        return bool(self.flags & SHF_ALLOC)


@dataclass(frozen=True, slots=True)
class Symbol:
    name: str
    value: int
    size: int
    binding: int
    kind: int
    section_index: int

    @property
    def is_defined(self) -> bool:
        return self.section_index != SHN_UNDEF


@dataclass(frozen=True, slots=True)
class Relocation:
    offset: int
    kind: int
    symbol_index: int


@dataclass(frozen=True, slots=True)
class ElfFile:
    """A parsed ELF64 file; ``relocations`` maps a target section's index to its REL entries."""

    path: str
    file_type: int
    machine: int
    flags: int
    entry: int
    sections: tuple[Section, ...]
    symbols: tuple[Symbol, ...]
    relocations: dict[int, tuple[Relocation, ...]]

    def section_named(self, name: str) -> Section | None:
        return next((section for section in self.sections if section.name == name), None)


def read_elf(path: Path) -> ElfFile:
    """Parse the file at ``path``; raise ObjectFormatError when it is not ELF64 LE."""
    return parse_elf(path.read_bytes(), str(path))


def read_bpf_object(path: Path) -> ElfFile:
    """Parse a BPF relocatable object (``clang -target bpf -c`` or ``ld.lld -r`` output)."""
    elf = read_elf(path)
    if elf.file_type != ET_REL or elf.machine != EM_BPF:
        raise ObjectFormatError(
            f"{path}: not a BPF relocatable object (ELF type {elf.file_type}, machine "
            f"{elf.machine}); compile with `clang-16 -target bpf -mcpu=v2 -O2 -c`"
        )
    if any(section.kind == SHT_RELA for section in elf.sections):
        raise ObjectFormatError(f"{path}: has RELA relocations, which BPF clang never emits")
    return elf


def parse_elf(image: bytes, path: str) -> ElfFile:
    """Parse an ELF64 little-endian image; ``path`` only names it in error messages."""
    if len(image) < FILE_HEADER.size or image[:4] != ELF_MAGIC:
        raise ObjectFormatError(f"{path}: not an ELF file; pass objects made by clang-16 -c")
    (ident, file_type, machine, _version, entry, _phoff, shoff, flags, _ehsize, _phentsize, _,
     shentsize, shnum, shstrndx) = FILE_HEADER.unpack_from(image)  # fmt: skip
    if ident[4] != ELFCLASS64 or ident[5] != ELFDATA2LSB:
        raise ObjectFormatError(
            f"{path}: not a 64-bit little-endian ELF file; compile with `-target bpf` "
            "(which is little-endian), not bpfeb"
        )
    if shentsize != SECTION_HEADER.size or shoff + shnum * shentsize > len(image):
        raise ObjectFormatError(f"{path}: truncated or malformed section header table")
    headers = [
        SECTION_HEADER.unpack_from(image, shoff + index * shentsize) for index in range(shnum)
    ]
    names = _section_bytes(image, headers[shstrndx], path) if shnum else b""
    sections = tuple(
        Section(
            index=index,
            name=_string_at(names, header[0]),
            kind=header[1],
            flags=header[2],
            address=header[3],
            offset=header[4],
            size=header[5],
            link=header[6],
            info=header[7],
            alignment=max(header[8], 1),
            entry_size=header[9],
            data=_section_bytes(image, header, path),
        )
        for index, header in enumerate(headers)
    )
    symbols = _read_symbols(sections)
    relocations = {
        section.info: _read_relocations(section) for section in sections if section.kind == SHT_REL
    }
    return ElfFile(path, file_type, machine, flags, entry, sections, symbols, relocations)


def _section_bytes(image: bytes, header: tuple[int, ...], path: str) -> bytes:
    kind, offset, size = header[1], header[4], header[5]
    if kind in (SHT_NULL, SHT_NOBITS):
        return b""
    if offset + size > len(image):
        raise ObjectFormatError(f"{path}: a section runs past the end of the file")
    return image[offset : offset + size]


def _string_at(table: bytes, offset: int) -> str:
    end = table.find(b"\0", offset)
    return table[offset : end if end >= 0 else len(table)].decode("utf-8", "replace")


def _read_symbols(sections: tuple[Section, ...]) -> tuple[Symbol, ...]:
    table = next((section for section in sections if section.kind == SHT_SYMTAB), None)
    if table is None:
        return ()
    names = sections[table.link].data
    symbols = []
    for start in range(0, len(table.data) - SYMBOL.size + 1, SYMBOL.size):
        name, info, _other, section_index, value, size = SYMBOL.unpack_from(table.data, start)
        kind = info & 0xF
        label = _string_at(names, name)
        if kind == STT_SECTION and section_index < len(sections):
            label = sections[section_index].name
        symbols.append(Symbol(label, value, size, info >> 4, kind, section_index))
    return tuple(symbols)


def _read_relocations(section: Section) -> tuple[Relocation, ...]:
    return tuple(
        Relocation(offset, info & 0xFFFFFFFF, info >> 32)
        for offset, info in REL.iter_unpack(section.data)
    )
