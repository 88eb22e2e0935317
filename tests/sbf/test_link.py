"""Linking clang-16 objects: every relocation kind resolved, every unsupported input refused."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import pytest

from gridtokenx.sbf import (
    DuplicateSymbolError,
    MissingEntrypointError,
    ObjectFormatError,
    UndefinedSymbolError,
    UnknownSyscallError,
    UnsupportedRelocationError,
    WritableDataError,
    link_files,
)
from gridtokenx.sbf.elf import (
    EM_BPF,
    ET_DYN,
    R_BPF_64_32,
    R_BPF_64_64,
    R_BPF_64_ABS64,
    SHF_WRITE,
    read_bpf_object,
    read_elf,
)
from gridtokenx.sbf.link import MM_PROGRAM_START
from tests.utils.sbf import TEST_PROGRAMS, compile_c, compile_file, compile_relocation_test


def _relocation_kinds(path: Path) -> set[int]:
    elf = read_bpf_object(path)
    return {relocation.kind for table in elf.relocations.values() for relocation in table}


@pytest.fixture
def relocation_objects(tmp_path: Path) -> list[Path]:
    objects = compile_relocation_test(tmp_path)
    # The inputs really carry each relocation kind the linker must resolve.
    assert _relocation_kinds(objects[0]) == {R_BPF_64_64, R_BPF_64_ABS64, R_BPF_64_32}
    return objects


def _u64(data: bytes, offset: int) -> int:
    value: int = struct.unpack_from("<Q", data, offset)[0]
    return value


def test_output_is_an_sbpfv0_shared_object(relocation_objects: list[Path], tmp_path: Path) -> None:
    program = link_files(relocation_objects, tmp_path / "program.so")

    elf = read_elf(tmp_path / "program.so")
    assert (elf.file_type, elf.machine, elf.flags) == (ET_DYN, EM_BPF, 0)
    names = [section.name for section in elf.sections]
    assert names == [
        "",
        ".text",
        ".rodata",
        ".dynamic",
        ".dynsym",
        ".dynstr",
        ".rel.dyn",
        ".shstrtab",
    ]
    for section in elf.sections[1:-1]:
        assert section.address == section.offset
        assert not section.flags & SHF_WRITE or section.name == ".dynamic"
    text = elf.sections[1]
    assert text.address <= elf.entry < text.address + text.size
    assert program.syscalls == ("sol_log_", "sol_log_64_")


def test_rodata_pointer_table_holds_absolute_function_addresses(
    relocation_objects: list[Path], tmp_path: Path
) -> None:
    link_files(relocation_objects, tmp_path / "program.so")

    elf = read_elf(tmp_path / "program.so")
    text, rodata = elf.sections[1], elf.sections[2]
    main = read_bpf_object(relocation_objects[0])
    function_sections = [
        main.section_named(f".text.{name}") for name in ("doubled", "squared", "tripled", "halved")
    ]
    entries = [_u64(rodata.data, 8 * index) for index in range(4)]
    for entry, section in zip(entries, function_sections, strict=True):
        assert section is not None
        # Each function's bytes sit at the absolute address the table holds.
        offset = entry - MM_PROGRAM_START - text.address
        assert text.data[offset : offset + section.size] == section.data


def test_lddw_points_at_the_string_in_rodata(
    relocation_objects: list[Path], tmp_path: Path
) -> None:
    link_files(relocation_objects, tmp_path / "program.so")

    elf = read_elf(tmp_path / "program.so")
    text, rodata = elf.sections[1], elf.sections[2]
    targets = []
    for position in range(0, text.size, 8):
        if text.data[position] == 0x18:  # lddw
            low, high = (
                struct.unpack_from("<I", text.data, position + 4)[0],
                struct.unpack_from("<I", text.data, position + 12)[0],
            )
            targets.append((high << 32 | low) - MM_PROGRAM_START)
    strings = [
        rodata.data[target - rodata.address :].split(b"\0")[0]
        for target in targets
        if rodata.address <= target < rodata.address + rodata.size
    ]
    assert b"relocations resolved" in strings


def test_calls_are_pc_relative_and_syscalls_dynamic(
    relocation_objects: list[Path], tmp_path: Path
) -> None:
    link_files(relocation_objects, tmp_path / "program.so")

    elf = read_elf(tmp_path / "program.so")
    text = elf.sections[1]
    syscall_sites = {
        struct.unpack_from("<Q", elf.sections[6].data, start)[0]
        for start in range(0, elf.sections[6].size, 16)
    }
    calls = 0
    for position in range(0, text.size, 8):
        if text.data[position] != 0x85:
            continue
        immediate = struct.unpack_from("<i", text.data, position + 4)[0]
        if text.address + position in syscall_sites:
            assert immediate == -1
        else:
            target = position // 8 + 1 + immediate
            assert 0 <= target < text.size // 8
            calls += 1
    assert len(syscall_sites) == 3  # two sol_log_ sites and one sol_log_64_
    assert calls == 2  # doubled and offset_in_other_object; the table's callees go by callx


def test_objects_premerged_by_ld_lld_link_identically(tmp_path: Path) -> None:
    first = compile_file(TEST_PROGRAMS / "premerge_first.c", tmp_path / "first.o")
    second = compile_file(TEST_PROGRAMS / "premerge_second.c", tmp_path / "second.o")
    merged = tmp_path / "merged.o"
    subprocess.run(["ld.lld-16", "-r", "-o", str(merged), str(first), str(second)], check=True)

    separate = link_files([first, second], tmp_path / "separate.so")
    premerged = link_files([merged], tmp_path / "premerged.so")

    assert premerged.image == separate.image


@pytest.mark.parametrize(
    ("source", "section"),
    [
        ("uint64_t counter = 5;\nuint64_t entrypoint(void) { return counter++; }", ".data"),
        ("static uint64_t zeroed;\nuint64_t entrypoint(void) { return zeroed++; }", ".bss"),
    ],
)
def test_writable_globals_are_refused(source: str, section: str, tmp_path: Path) -> None:
    obj = compile_c("#include <stdint.h>\n" + source, tmp_path, "writable")

    with pytest.raises(WritableDataError, match=rf"section {section} .*const.*account"):
        link_files([obj], tmp_path / "program.so")


def test_unknown_syscall_is_refused_by_name(tmp_path: Path) -> None:
    obj = compile_c(
        "#include <stdint.h>\nvoid sol_log_everything(void);\n"
        "uint64_t entrypoint(void) { sol_log_everything(); return 0; }",
        tmp_path,
        "unknown",
    )

    with pytest.raises(UnknownSyscallError, match=r"`sol_log_everything`.*not a Solana syscall"):
        link_files([obj], tmp_path / "program.so")


def test_undefined_data_symbol_is_refused_by_name(tmp_path: Path) -> None:
    obj = compile_c(
        "#include <stdint.h>\nextern const uint64_t missing_table[];\n"
        "uint64_t entrypoint(const uint8_t *input) { return missing_table[*input]; }",
        tmp_path,
        "undefined",
    )

    with pytest.raises(UndefinedSymbolError, match=r"`missing_table` is referenced"):
        link_files([obj], tmp_path / "program.so")


def test_relocation_without_sbpfv0_meaning_is_refused(tmp_path: Path) -> None:
    # A 32-bit absolute address in data (R_BPF_64_ABS32) cannot hold 0x1_0000_0000 + offset.
    obj = compile_c(
        "#include <stdint.h>\nuint64_t entrypoint(void) { return 0; }\n"
        '__asm__(".section .rodata.narrow,\\"a\\"\\n.long entrypoint\\n.text");',
        tmp_path,
        "narrow",
    )

    with pytest.raises(
        UnsupportedRelocationError, match=r"R_BPF_64_ABS32 at \.rodata\.narrow.*64-bit fields"
    ):
        link_files([obj], tmp_path / "program.so")


def test_missing_entrypoint_is_refused(tmp_path: Path) -> None:
    obj = compile_c("#include <stdint.h>\nuint64_t start(void) { return 0; }", tmp_path, "no_entry")

    with pytest.raises(MissingEntrypointError, match=r"global function `entrypoint`"):
        link_files([obj], tmp_path / "program.so")


def test_duplicate_global_is_refused(tmp_path: Path) -> None:
    first = compile_c(
        "#include <stdint.h>\nuint64_t entrypoint(void) { return 0; }", tmp_path, "first"
    )
    second = compile_c(
        "#include <stdint.h>\nuint64_t entrypoint(void) { return 1; }", tmp_path, "second"
    )

    with pytest.raises(DuplicateSymbolError, match=r"`entrypoint` is defined in both"):
        link_files([first, second], tmp_path / "program.so")


def test_non_bpf_inputs_are_refused(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.o"
    text_file.write_text("not an object")
    (tmp_path / "host.c").write_text("int entrypoint(void) { return 0; }")
    host = tmp_path / "host.o"
    subprocess.run(
        [
            "clang-16",
            "-target",
            "x86_64-linux-gnu",
            "-c",
            str(tmp_path / "host.c"),
            "-o",
            str(host),
        ],
        check=True,
    )

    with pytest.raises(ObjectFormatError, match="not an ELF file"):
        link_files([text_file], tmp_path / "program.so")
    with pytest.raises(ObjectFormatError, match="not a BPF relocatable object"):
        link_files([host], tmp_path / "program.so")
