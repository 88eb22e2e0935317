"""Toolchain for on-chain C programs: link clang BPF objects into SBPFv0 programs and check them.

``python -m gridtokenx.sbf link -o program.so a.o b.o`` then ``... check program.so``.
"""

from gridtokenx.sbf.check import check_program, check_program_file
from gridtokenx.sbf.errors import (
    DuplicateSymbolError,
    ForbiddenInstructionError,
    MissingEntrypointError,
    ObjectFormatError,
    SbfError,
    UndefinedSymbolError,
    UnknownSyscallError,
    UnsupportedRelocationError,
    WritableDataError,
)
from gridtokenx.sbf.link import LinkedProgram, link_files, link_objects

__all__ = [
    "DuplicateSymbolError",
    "ForbiddenInstructionError",
    "LinkedProgram",
    "MissingEntrypointError",
    "ObjectFormatError",
    "SbfError",
    "UndefinedSymbolError",
    "UnknownSyscallError",
    "UnsupportedRelocationError",
    "WritableDataError",
    "check_program",
    "check_program_file",
    "link_files",
    "link_objects",
]
