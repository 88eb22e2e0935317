"""The instruction-class check every linked program must pass before it is deployed.

SBPFv0 sign-extends 32-bit ALU results while LLVM's BPF backend assumes zero-extension, so an
ALU32 instruction (class 0x04; opcodes such as 0x04 or 0x0c) computes wrong values silently,
and a JMP32 instruction (class 0x06) is refused at load ("unknown eBPF opcode"). Both come
from ``-mcpu=v3`` or ``-mattr=+alu32``.
"""

from __future__ import annotations

from pathlib import Path

from gridtokenx.sbf.elf import parse_elf
from gridtokenx.sbf.errors import ForbiddenInstructionError, ObjectFormatError

INSTRUCTION_SIZE = 8
OPCODE_LDDW = 0x18
CLASS_ALU32 = 0x04
CLASS_JMP32 = 0x06
FORBIDDEN_CLASSES = {CLASS_ALU32: "ALU32", CLASS_JMP32: "JMP32"}


def check_program_file(path: Path) -> int:
    """Check the linked program at ``path``; returns its instruction count."""
    return check_program(path.read_bytes(), str(path))


def check_program(image: bytes, name: str) -> int:
    """Raise ForbiddenInstructionError at the first ALU32/JMP32 instruction of ``.text``."""
    text = parse_elf(image, name).section_named(".text")
    if text is None:
        raise ObjectFormatError(f"{name}: no .text section; pass a program linked by gridtokenx")
    code = text.data
    position = 0
    count = 0
    while position + INSTRUCTION_SIZE <= len(code):
        opcode = code[position]
        kind = FORBIDDEN_CLASSES.get(opcode & 0x07)
        if kind is not None:
            raise ForbiddenInstructionError(
                f"{name}: {kind} instruction (opcode {opcode:#04x}) at .text+{position:#x}; "
                "SBPFv0 cannot run it correctly: compile with `-mcpu=v2` and without "
                "`-mattr=+alu32`"
            )
        # lddw spans two slots; the second slot's opcode byte is zero, not an instruction.
        position += 2 * INSTRUCTION_SIZE if opcode == OPCODE_LDDW else INSTRUCTION_SIZE
        count += 1
    return count
