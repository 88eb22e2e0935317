"""Writing the SBPFv0 shared object: headers, segments and dynamic tables around linked bytes.

File layout (every allocated section's virtual address equals its file offset, which is how
the SBPFv0 loader maps the file at ``MM_PROGRAM_START + offset``)::

    ELF header | program headers | .text | .rodata | .dynamic | .dynsym | .dynstr | .rel.dyn
    | .shstrtab | section headers
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from gridtokenx.sbf.elf import (
    DYNAMIC_ENTRY,
    ELF_MAGIC,
    ELFCLASS64,
    ELFDATA2LSB,
    EM_BPF,
    ET_DYN,
    EV_CURRENT,
    FILE_HEADER,
    PROGRAM_HEADER,
    R_BPF_64_32,
    REL,
    SECTION_HEADER,
    SHF_ALLOC,
    SHF_EXECINSTR,
    SHF_WRITE,
    SHT_DYNAMIC,
    SHT_DYNSYM,
    SHT_PROGBITS,
    SHT_REL,
    SHT_STRTAB,
    STB_GLOBAL,
    STT_FUNC,
    STT_NOTYPE,
    SYMBOL,
)

PT_LOAD = 1
PT_DYNAMIC = 2
PF_X = 1
PF_W = 2
PF_R = 4

DT_NULL = 0
DT_STRTAB = 5
DT_SYMTAB = 6
DT_STRSZ = 10
DT_SYMENT = 11
DT_REL = 17
DT_RELSZ = 18
DT_RELENT = 19

SECTION_ALIGNMENT = 8


def align(value: int, alignment: int) -> int:
    return (value + alignment - 1) // alignment * alignment


def text_offset(has_rodata: bool) -> int:
    """File offset (= virtual address) where ``.text`` starts: right after the headers."""
    return align(FILE_HEADER.size + PROGRAM_HEADER.size * program_header_count(has_rodata), 8)


def program_header_count(has_rodata: bool) -> int:
    # text, dynamic tables and PT_DYNAMIC always; a read-only data segment only when needed.
    return 4 if has_rodata else 3


@dataclass(frozen=True, slots=True)
class SyscallSite:
    """A ``call -1`` at ``address`` that the loader patches with murmur3(``name``)."""

    address: int
    name: str


@dataclass(frozen=True, slots=True)
class ProgramImage:
    """Linked contents: ``text`` starts at ``text_offset(bool(rodata))``, rodata follows."""

    text: bytes
    rodata: bytes
    rodata_address: int
    entry_address: int
    entry_size: int
    syscall_sites: tuple[SyscallSite, ...]


class _Strings:
    def __init__(self) -> None:
        self.data = bytearray(b"\0")
        self._offsets: dict[str, int] = {"": 0}

    def add(self, name: str) -> int:
        if name not in self._offsets:
            self._offsets[name] = len(self.data)
            self.data += name.encode() + b"\0"
        return self._offsets[name]


class _Section(NamedTuple):
    name: str
    kind: int
    flags: int
    offset: int
    size: int
    link: int = 0
    info: int = 0
    entry_size: int = 0


@dataclass(frozen=True, slots=True)
class _DynamicTables:
    dynsym: bytes
    dynstr: bytes
    rel_dyn: bytes


def _dynamic_tables(image: ProgramImage, text_index: int) -> _DynamicTables:
    """``entrypoint`` plus one undefined symbol per syscall, and one relocation per call site."""
    dynstr = _Strings()
    dynsym = bytearray(SYMBOL.size)
    dynsym += SYMBOL.pack(
        dynstr.add("entrypoint"),
        (STB_GLOBAL << 4) | STT_FUNC,
        0,
        text_index,
        image.entry_address,
        image.entry_size,
    )
    symbol_index = {}
    for name in sorted({site.name for site in image.syscall_sites}):
        symbol_index[name] = len(dynsym) // SYMBOL.size
        dynsym += SYMBOL.pack(dynstr.add(name), (STB_GLOBAL << 4) | STT_NOTYPE, 0, 0, 0, 0)
    rel_dyn = b"".join(
        REL.pack(site.address, (symbol_index[site.name] << 32) | R_BPF_64_32)
        for site in sorted(image.syscall_sites, key=lambda site: site.address)
    )
    return _DynamicTables(bytes(dynsym), bytes(dynstr.data), rel_dyn)


def _dynamic_section(tables: _DynamicTables, dynsym_start: int, rel_start: int) -> bytes:
    dynstr_start = dynsym_start + len(tables.dynsym)
    entries = [
        (DT_SYMTAB, dynsym_start),
        (DT_SYMENT, SYMBOL.size),
        (DT_STRTAB, dynstr_start),
        (DT_STRSZ, len(tables.dynstr)),
    ]
    # The loader refuses a DT_REL that points at an empty table ("invalid dynamic section
    # table"), so a program without syscalls has no DT_REL entries at all.
    if tables.rel_dyn:
        entries += [(DT_REL, rel_start), (DT_RELSZ, len(tables.rel_dyn)), (DT_RELENT, REL.size)]
    padding = [(DT_NULL, 0)] * (DYNAMIC_ENTRY_COUNT - len(entries))
    return b"".join(DYNAMIC_ENTRY.pack(tag, value) for tag, value in entries + padding)


DYNAMIC_ENTRY_COUNT = 8  # seven entries at most, then DT_NULL (repeated when fewer are needed)
DYNAMIC_SECTION_SIZE = DYNAMIC_ENTRY.size * DYNAMIC_ENTRY_COUNT


def write_shared_object(image: ProgramImage) -> bytes:
    """Assemble the final ELF64 ET_DYN file around an already relocated program image."""
    has_rodata = bool(image.rodata)
    text_start = text_offset(has_rodata)
    sections = [
        _Section(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, text_start, len(image.text))
    ]
    if has_rodata:
        sections.append(
            _Section(".rodata", SHT_PROGBITS, SHF_ALLOC, image.rodata_address, len(image.rodata))
        )
    end_of_data = sections[-1].offset + sections[-1].size
    tables = _dynamic_tables(image, text_index=1)
    dynamic_start = align(end_of_data, 8)
    dynsym_start = dynamic_start + DYNAMIC_SECTION_SIZE
    dynstr_start = dynsym_start + len(tables.dynsym)
    rel_start = align(dynstr_start + len(tables.dynstr), 8)
    dynsym_index, dynstr_index = len(sections) + 2, len(sections) + 3
    sections += [
        _Section(
            ".dynamic",
            SHT_DYNAMIC,
            SHF_ALLOC | SHF_WRITE,
            dynamic_start,
            DYNAMIC_SECTION_SIZE,
            link=dynstr_index,
            entry_size=DYNAMIC_ENTRY.size,
        ),
        _Section(
            ".dynsym",
            SHT_DYNSYM,
            SHF_ALLOC,
            dynsym_start,
            len(tables.dynsym),
            link=dynstr_index,
            info=1,
            entry_size=SYMBOL.size,
        ),
        _Section(".dynstr", SHT_STRTAB, SHF_ALLOC, dynstr_start, len(tables.dynstr)),
        _Section(
            ".rel.dyn",
            SHT_REL,
            SHF_ALLOC,
            rel_start,
            len(tables.rel_dyn),
            link=dynsym_index,
            entry_size=REL.size,
        ),
    ]
    loaded_end = rel_start + len(tables.rel_dyn)
    shstrtab = _Strings()
    for name in [section.name for section in sections] + [".shstrtab"]:
        shstrtab.add(name)
    sections.append(_Section(".shstrtab", SHT_STRTAB, 0, loaded_end, len(shstrtab.data)))
    section_headers_start = align(loaded_end + len(shstrtab.data), 8)

    out = bytearray(section_headers_start + SECTION_HEADER.size * (len(sections) + 1))
    contents = [image.text, image.rodata] if has_rodata else [image.text]
    contents += [
        _dynamic_section(tables, dynsym_start, rel_start),
        tables.dynsym,
        tables.dynstr,
        tables.rel_dyn,
        bytes(shstrtab.data),
    ]
    for section, data in zip(sections, contents, strict=True):
        out[section.offset : section.offset + len(data)] = data
    segments = _segments(sections, dynamic_start, loaded_end)
    for number, (kind, flags, start, size) in enumerate(segments):
        PROGRAM_HEADER.pack_into(
            out,
            FILE_HEADER.size + number * PROGRAM_HEADER.size,
            kind,
            flags,
            start,
            start,
            start,
            size,
            size,
            SECTION_ALIGNMENT,
        )
    headers = [bytes(SECTION_HEADER.size)]
    for section in sections:
        loaded = bool(section.flags & SHF_ALLOC)
        headers.append(
            SECTION_HEADER.pack(
                shstrtab.add(section.name),
                section.kind,
                section.flags,
                section.offset if loaded else 0,
                section.offset,
                section.size,
                section.link,
                section.info,
                1 if section.kind == SHT_STRTAB else SECTION_ALIGNMENT,
                section.entry_size,
            )
        )
    out[section_headers_start:] = b"".join(headers)

    ident = ELF_MAGIC + bytes([ELFCLASS64, ELFDATA2LSB, EV_CURRENT]) + bytes(9)
    FILE_HEADER.pack_into(
        out,
        0,
        ident,
        ET_DYN,
        EM_BPF,
        EV_CURRENT,
        image.entry_address,
        FILE_HEADER.size,
        section_headers_start,
        0,
        FILE_HEADER.size,
        PROGRAM_HEADER.size,
        len(segments),
        SECTION_HEADER.size,
        len(headers),
        len(headers) - 1,
    )
    return bytes(out)


def _segments(
    sections: list[_Section], dynamic_start: int, loaded_end: int
) -> list[tuple[int, int, int, int]]:
    """(type, flags, start, size): code, read-only data if any, dynamic tables, PT_DYNAMIC."""
    segments = [(PT_LOAD, PF_R | PF_X, sections[0].offset, sections[0].size)]
    if sections[1].name == ".rodata":
        segments.append((PT_LOAD, PF_R, sections[1].offset, sections[1].size))
    segments.append((PT_LOAD, PF_R | PF_W, dynamic_start, loaded_end - dynamic_start))
    segments.append((PT_DYNAMIC, PF_R | PF_W, dynamic_start, DYNAMIC_SECTION_SIZE))
    return segments
