"""The instruction-class check: linked programs with ALU32 or JMP32 instructions are refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gridtokenx.sbf import ForbiddenInstructionError, check_program, link_files
from gridtokenx.sbf.elf import parse_elf
from tests.utils.sbf import build_hello, compile_c

THIRTY_TWO_BIT_MATHS = """
#include <stdint.h>
uint64_t entrypoint(const uint8_t *input) {
  uint32_t a = input[0], b = input[1];
  return (uint64_t)(a * b + (a >> 3));
}
"""


def test_example_program_passes(tmp_path: Path) -> None:
    program = build_hello(tmp_path)

    assert check_program(program.read_bytes(), "hello.so") > 100


@pytest.mark.parametrize(
    "flags", [["-mcpu=v3"], ["-Xclang", "-target-feature", "-Xclang", "+alu32"]]
)
def test_compiler_emitted_alu32_is_refused(flags: list[str], tmp_path: Path) -> None:
    obj = compile_c(THIRTY_TWO_BIT_MATHS, tmp_path, "alu32", flags)
    program = link_files([obj], tmp_path / "alu32.so")

    with pytest.raises(ForbiddenInstructionError, match=r"ALU32 instruction .* at \.text\+0x"):
        check_program(program.image, "alu32.so")


@pytest.mark.parametrize(
    ("opcode", "kind"), [(0x04, "ALU32"), (0x0C, "ALU32"), (0x16, "JMP32"), (0x1E, "JMP32")]
)
def test_hand_placed_instruction_is_reported_at_its_offset(
    opcode: int, kind: str, tmp_path: Path
) -> None:
    image = bytearray(build_hello(tmp_path).read_bytes())
    elf = parse_elf(bytes(image), "hello.so")
    text = elf.section_named(".text")
    assert text is not None
    # A function's first instruction is never the second half of an lddw.
    offset = elf.entry - text.address
    image[text.offset + offset] = opcode

    with pytest.raises(
        ForbiddenInstructionError,
        match=re.escape(f"{kind} instruction (opcode {opcode:#04x}) at .text+{offset:#x}"),
    ):
        check_program(bytes(image), "patched.so")
