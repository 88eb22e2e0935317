"""Linking BPF relocatable objects into one SBPFv0 program (``ld.lld -shared`` cannot).

Every relocation is resolved here except syscalls: those keep ``call -1`` and get a dynamic
``R_BPF_64_32`` against an undefined ``.dynsym`` name that the loader replaces by the
syscall's murmur3 hash. Calls between functions become pc-relative immediates, which the
SBPFv0 loader registers as internal functions; data addresses become absolute
``MM_PROGRAM_START + address`` values.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gridtokenx.sbf.elf import (
    R_BPF_64_32,
    R_BPF_64_64,
    R_BPF_64_ABS32,
    R_BPF_64_ABS64,
    R_BPF_NONE,
    SHF_EXECINSTR,
    SHF_WRITE,
    SHN_ABS,
    SHN_COMMON,
    SHT_NOBITS,
    STB_GLOBAL,
    STB_LOCAL,
    STB_WEAK,
    STT_FUNC,
    ElfFile,
    Relocation,
    Section,
    Symbol,
    read_bpf_object,
    relocation_name,
)
from gridtokenx.sbf.errors import (
    DuplicateSymbolError,
    MissingEntrypointError,
    UndefinedSymbolError,
    UnknownSyscallError,
    UnsupportedRelocationError,
    WritableDataError,
)
from gridtokenx.sbf.shared_object import (
    ProgramImage,
    SyscallSite,
    align,
    text_offset,
    write_shared_object,
)
from gridtokenx.sbf.syscalls import KNOWN_SYSCALLS

MM_PROGRAM_START = 0x1_0000_0000
ENTRYPOINT = "entrypoint"
INSTRUCTION_SIZE = 8
OPCODE_LDDW = 0x18
OPCODE_CALL = 0x85
SYSCALL_PLACEHOLDER = -1

_I32 = struct.Struct("<i")
_U32 = struct.Struct("<I")
_I64 = struct.Struct("<q")
_U64 = struct.Struct("<Q")


@dataclass(frozen=True, slots=True)
class LinkedProgram:
    """A linked program: the file's bytes and figures worth printing."""

    image: bytes
    text_size: int
    rodata_size: int
    syscalls: tuple[str, ...]


@dataclass(slots=True)
class _Output:
    """Where each input section landed; addresses are final once ``rodata_address`` is set."""

    text: bytearray = field(default_factory=bytearray)
    rodata: bytearray = field(default_factory=bytearray)
    text_pieces: dict[tuple[int, int], int] = field(default_factory=dict)
    rodata_pieces: dict[tuple[int, int], int] = field(default_factory=dict)
    text_address: int = 0
    rodata_address: int = 0

    def address_of(self, object_index: int, section_index: int) -> int | None:
        key = (object_index, section_index)
        if key in self.text_pieces:
            return self.text_address + self.text_pieces[key]
        if key in self.rodata_pieces:
            return self.rodata_address + self.rodata_pieces[key]
        return None


def link_files(inputs: Sequence[Path], output: Path) -> LinkedProgram:
    """Link the objects at ``inputs`` and write the program to ``output``."""
    program = link_objects([read_bpf_object(path) for path in inputs])
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(program.image)
    return program


def link_objects(objects: Sequence[ElfFile]) -> LinkedProgram:
    """Link parsed BPF objects into an SBPFv0 shared object."""
    out = _Output()
    for object_index, elf in enumerate(objects):
        _place_sections(object_index, elf, out)
    out.text_address = text_offset(bool(out.rodata))
    out.rodata_address = align(out.text_address + len(out.text), 8)
    globals_ = _global_addresses(objects, out)
    entry_address = globals_.get(ENTRYPOINT)
    if entry_address is None or out.text_address + len(out.text) <= entry_address:
        names = ", ".join(elf.path for elf in objects)
        raise MissingEntrypointError(
            f"no object defines a global function `{ENTRYPOINT}` (linked: {names}); define "
            "`uint64_t entrypoint(const uint8_t *input)` without `static` in one of them"
        )
    sites: list[SyscallSite] = []
    for object_index, elf in enumerate(objects):
        for section_index, relocations in elf.relocations.items():
            placed_at = out.address_of(object_index, section_index)
            if placed_at is None:
                continue  # debug info and other sections that are not loaded
            for relocation in relocations:
                site = _apply(
                    object_index, elf, section_index, placed_at, relocation, out, globals_
                )
                if site is not None:
                    sites.append(site)
    entry_size = _entry_size(objects)
    image = ProgramImage(
        text=bytes(out.text),
        rodata=bytes(out.rodata),
        rodata_address=out.rodata_address,
        entry_address=entry_address,
        entry_size=entry_size,
        syscall_sites=tuple(sites),
    )
    return LinkedProgram(
        image=write_shared_object(image),
        text_size=len(out.text),
        rodata_size=len(out.rodata),
        syscalls=tuple(sorted({site.name for site in sites})),
    )


def _place_sections(object_index: int, elf: ElfFile, out: _Output) -> None:
    for symbol in elf.symbols:
        if symbol.section_index == SHN_COMMON:
            raise WritableDataError(
                f"{elf.path}: `{symbol.name}` is a common (tentative) global, i.e. writable "
                "data, which SBPFv0 programs cannot have; make it `const` or keep it in an "
                "account"
            )
    for section in elf.sections:
        if not section.is_alloc:
            continue
        if section.flags & SHF_EXECINSTR:
            pieces, buffer = out.text_pieces, out.text
        elif _is_writable(section):
            held = [s.name for s in elf.symbols if s.section_index == section.index and s.name]
            raise WritableDataError(
                f"{elf.path}: section {section.name} (holding {', '.join(held) or 'data'}) is "
                "writable, and SBPFv0 programs have no writable globals; declare the data "
                "`const`, or keep mutable state in an account or on the heap"
            )
        else:
            pieces, buffer = out.rodata_pieces, out.rodata
        start = align(len(buffer), max(section.alignment, 1))
        buffer.extend(bytes(start - len(buffer)))
        buffer.extend(section.data)
        pieces[(object_index, section.index)] = start


def _is_writable(section: Section) -> bool:
    # .data.rel.ro is written only by the dynamic linker, so it is read-only data here.
    if section.name.startswith(".data.rel.ro"):
        return False
    return bool(section.flags & SHF_WRITE) or section.kind == SHT_NOBITS


def _global_addresses(objects: Sequence[ElfFile], out: _Output) -> dict[str, int]:
    addresses: dict[str, int] = {}
    strong: dict[str, str] = {}
    for object_index, elf in enumerate(objects):
        for symbol in elf.symbols:
            if symbol.binding not in (STB_GLOBAL, STB_WEAK) or not symbol.is_defined:
                continue
            address = _defined_address(object_index, symbol, out)
            if address is None:
                continue
            if symbol.binding == STB_GLOBAL:
                if symbol.name in strong:
                    raise DuplicateSymbolError(
                        f"`{symbol.name}` is defined in both {strong[symbol.name]} and "
                        f"{elf.path}; rename one or make it `static`"
                    )
                strong[symbol.name] = elf.path
                addresses[symbol.name] = address
            else:
                addresses.setdefault(symbol.name, address)
    return addresses


def _defined_address(object_index: int, symbol: Symbol, out: _Output) -> int | None:
    if symbol.section_index == SHN_ABS:
        return symbol.value
    base = out.address_of(object_index, symbol.section_index)
    return None if base is None else base + symbol.value


def _entry_size(objects: Sequence[ElfFile]) -> int:
    for elf in objects:
        for symbol in elf.symbols:
            if (
                symbol.name == ENTRYPOINT
                and symbol.kind == STT_FUNC
                and symbol.binding == STB_GLOBAL
                and symbol.is_defined
            ):
                return symbol.size
    return 0


def _apply(
    object_index: int,
    elf: ElfFile,
    section_index: int,
    placed_at: int,
    relocation: Relocation,
    out: _Output,
    globals_: dict[str, int],
) -> SyscallSite | None:
    """Patch one relocation of a section placed at address ``placed_at``; returns the syscall
    site it describes, if any."""
    section = elf.sections[section_index]
    in_text = (object_index, section_index) in out.text_pieces
    buffer = out.text if in_text else out.rodata
    position = placed_at - (out.text_address if in_text else out.rodata_address)
    position += relocation.offset
    symbol = elf.symbols[relocation.symbol_index]
    where = (
        f"{elf.path}: {relocation_name(relocation.kind)} at {section.name}+{relocation.offset:#x}"
    )
    if relocation.kind == R_BPF_NONE:
        return None
    if relocation.kind == R_BPF_64_32 and in_text and buffer[position] == OPCODE_CALL:
        return _relocate_call(position, symbol, object_index, out, globals_, where)
    if relocation.kind == R_BPF_64_64 and in_text and buffer[position] == OPCODE_LDDW:
        addend = _U32.unpack_from(buffer, position + 4)[0]
        addend |= _U32.unpack_from(buffer, position + 12)[0] << 32
        value = MM_PROGRAM_START + _symbol_address(symbol, object_index, out, globals_, where)
        value = (value + _signed64(addend)) % (1 << 64)
        _U32.pack_into(buffer, position + 4, value & 0xFFFFFFFF)
        _U32.pack_into(buffer, position + 12, value >> 32)
        return None
    if relocation.kind == R_BPF_64_ABS64 and not in_text:
        addend = _I64.unpack_from(buffer, position)[0]
        value = MM_PROGRAM_START + _symbol_address(symbol, object_index, out, globals_, where)
        _U64.pack_into(buffer, position, (value + addend) % (1 << 64))
        return None
    hint = (
        "32 bits cannot hold a program address (0x1_0000_0000 + offset); store addresses in "
        "64-bit fields"
        if relocation.kind == R_BPF_64_ABS32
        else "SBPFv0 supports R_BPF_64_64 on lddw, R_BPF_64_32 on call and R_BPF_64_ABS64 in "
        "read-only data: compile with the pinned flags of programs/programs.mk"
    )
    raise UnsupportedRelocationError(f"{where} (symbol `{symbol.name}`) cannot be linked: {hint}")


def _relocate_call(
    position: int,
    symbol: Symbol,
    object_index: int,
    out: _Output,
    globals_: dict[str, int],
    where: str,
) -> SyscallSite | None:
    address = _local_or_global(symbol, object_index, out, globals_)
    if address is None:
        if symbol.name not in KNOWN_SYSCALLS:
            raise UnknownSyscallError(
                f"{where}: call to `{symbol.name}`, which no linked object defines and which is "
                "not a Solana syscall; link the object that defines it, or check the name "
                "against gridtokenx.sbf.syscalls.KNOWN_SYSCALLS"
            )
        _I32.pack_into(out.text, position + 4, SYSCALL_PLACEHOLDER)
        return SyscallSite(out.text_address + position, symbol.name)
    # Calls through a section symbol carry the callee's offset in the immediate: S + (imm+1)*8.
    immediate = _I32.unpack_from(out.text, position + 4)[0]
    target = address + (immediate + 1) * INSTRUCTION_SIZE
    text_end = out.text_address + len(out.text)
    if not out.text_address <= target < text_end or (target - out.text_address) % 8:
        raise UnsupportedRelocationError(
            f"{where}: call to `{symbol.name}` does not land on an instruction of .text; "
            "only functions can be called"
        )
    next_instruction = out.text_address + position + INSTRUCTION_SIZE
    _I32.pack_into(out.text, position + 4, (target - next_instruction) // INSTRUCTION_SIZE)
    return None


def _symbol_address(
    symbol: Symbol, object_index: int, out: _Output, globals_: dict[str, int], where: str
) -> int:
    address = _local_or_global(symbol, object_index, out, globals_)
    if address is None:
        raise UndefinedSymbolError(
            f"{where}: `{symbol.name}` is referenced but no linked object defines it; link "
            "the object that defines it (declare it `extern const` there, not writable)"
        )
    return address


def _local_or_global(
    symbol: Symbol, object_index: int, out: _Output, globals_: dict[str, int]
) -> int | None:
    if symbol.is_defined and symbol.binding == STB_LOCAL:
        return _defined_address(object_index, symbol, out)
    return globals_.get(symbol.name)


def _signed64(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value
