"""Linked programs run in a real SBPFv0 runtime (LiteSVM): each relocation kind works."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey

from gridtokenx.sbf import link_files
from tests.utils.sbf import (
    TEST_PROGRAMS,
    compile_c,
    compile_file,
    compile_relocation_test,
    run_instruction,
    succeeded,
)

OPERATIONS: dict[int, tuple[str, Callable[[int], int]]] = {
    0: ("doubled", lambda v: 2 * v),
    1: ("squared", lambda v: v * v),
    2: ("tripled", lambda v: 3 * v),
    3: ("halved", lambda v: v // 2),
}


@pytest.fixture(scope="module")
def relocations_program(tmp_path_factory: pytest.TempPathFactory) -> tuple[LiteSVM, Pubkey]:
    directory = tmp_path_factory.mktemp("relocations")
    program = link_files(compile_relocation_test(directory), directory / "program.so")
    svm = LiteSVM()
    program_id = Pubkey.new_unique()
    svm.add_program(program_id, program.image)
    return svm, program_id


@pytest.mark.parametrize("choice", sorted(OPERATIONS))
def test_pointer_tables_strings_and_calls_resolve(
    relocations_program: tuple[LiteSVM, Pubkey], choice: int
) -> None:
    svm, program_id = relocations_program
    value = 7
    name, operation = OPERATIONS[choice]

    logs = succeeded(run_instruction(svm, program_id, bytes([choice, value]))).logs()

    result = operation(value) + (value + 1000) + 2 * value
    assert logs[1:4] == [
        f"Program log: {name}",
        "Program log: relocations resolved",
        f"Program log: {result:#x}, 0x0, 0x0, 0x0, 0x0",
    ]


def test_rejected_input_returns_the_builtin_error(
    relocations_program: tuple[LiteSVM, Pubkey],
) -> None:
    svm, program_id = relocations_program

    result = run_instruction(svm, program_id, bytes([0]))

    assert "InvalidInstructionData" in str(result.err())  # type: ignore[union-attr]


def test_premerged_program_runs(tmp_path: Path) -> None:
    objects = [
        compile_file(TEST_PROGRAMS / "premerge_first.c", tmp_path / "first.o"),
        compile_file(TEST_PROGRAMS / "premerge_second.c", tmp_path / "second.o"),
    ]
    merged = tmp_path / "merged.o"
    subprocess.run(["ld.lld-16", "-r", "-o", str(merged), *map(str, objects)], check=True)
    program = link_files([merged], tmp_path / "premerged.so")
    svm = LiteSVM()
    program_id = Pubkey.new_unique()
    svm.add_program(program_id, program.image)

    logs = succeeded(run_instruction(svm, program_id, bytes([4]))).logs()

    # steps[4 & 1](4) = 4 + 1, scaled(4) = 4 * 10 + 5, plus_one(4) = 5
    assert logs[1] == "Program log: 0x5, 0x2d, 0x5, 0x0, 0x0"


def test_program_without_rodata_runs(tmp_path: Path) -> None:
    obj = compile_c(
        "#include <stdint.h>\nuint64_t entrypoint(const uint8_t *input) { return input[16]; }",
        tmp_path,
        "bare",
    )
    program = link_files([obj], tmp_path / "bare.so")
    assert program.rodata_size == 0
    svm = LiteSVM()
    program_id = Pubkey.new_unique()
    svm.add_program(program_id, program.image)

    assert succeeded(run_instruction(svm, program_id, bytes([0])))
    assert "Custom(9)" in str(run_instruction(svm, program_id, bytes([9])).err())  # type: ignore[union-attr]
