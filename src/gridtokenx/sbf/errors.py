"""Errors of the on-chain program toolchain; see ``gridtokenx.errors`` for the whole tree."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class SbfError(GridTokenXError):
    """An on-chain program could not be linked or failed the SBPFv0 checks."""


class ObjectFormatError(SbfError):
    """An input file is not an ELF64 little-endian BPF relocatable object."""


class WritableDataError(SbfError):
    """An object has writable globals (.data, .bss, common symbols), which SBPFv0 cannot map."""


class UnsupportedRelocationError(SbfError):
    """A relocation whose type or placement has no SBPFv0 meaning."""


class UnknownSyscallError(SbfError):
    """A call to a function that no object defines and that is not a runtime syscall."""


class UndefinedSymbolError(SbfError):
    """A data reference to a symbol that no object defines."""


class DuplicateSymbolError(SbfError):
    """Two objects define the same global symbol."""


class MissingEntrypointError(SbfError):
    """No object defines the global function ``entrypoint``."""


class ForbiddenInstructionError(SbfError):
    """The linked ``.text`` holds an ALU32 or JMP32 instruction, which SBPFv0 runs wrongly."""
