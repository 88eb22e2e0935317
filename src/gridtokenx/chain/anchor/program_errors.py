"""Custom program errors: numbered from 6000 as Anchor numbers them, decoded to exceptions.

Each program declares an ``IntEnum`` of its codes (values only ever appended) with a message per
code; the IDL's ``errors`` and the exceptions the client raises both come from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import TypeVar

from solders.transaction_status import InstructionErrorCustom, TransactionErrorInstructionError

from gridtokenx.chain.anchor.idl import ProgramError
from gridtokenx.errors import GridTokenXError

FIRST_CUSTOM_ERROR = 6000


def pascal_case(upper_snake: str) -> str:
    return "".join(part.capitalize() for part in upper_snake.split("_"))


CodeT = TypeVar("CodeT", bound=IntEnum)


def idl_errors(codes: type[CodeT], messages: Mapping[CodeT, str]) -> tuple[ProgramError, ...]:
    missing = [code.name for code in codes if code not in messages]
    if missing:
        raise TypeError(f"{codes.__name__}: no message for {missing}")
    return tuple(ProgramError(code.value, pascal_case(code.name), messages[code]) for code in codes)


class ProgramFailedError(GridTokenXError):
    """An on-chain program refused an instruction with one of its declared error codes."""

    def __init__(self, program: str, code: IntEnum, message: str, logs: tuple[str, ...]) -> None:
        super().__init__(f"{program}: {pascal_case(code.name)} ({code.value}): {message}")
        self.program = program
        self.code = code
        self.logs = logs


def failed_custom_code(transaction_error: object) -> tuple[int, int] | None:
    """``(instruction index, custom code)`` of a transaction error raised by a program's own
    error code; None for any other error (signature, fees, a built-in program error)."""
    if not isinstance(transaction_error, TransactionErrorInstructionError):
        return None
    instruction_error = transaction_error.err
    if not isinstance(instruction_error, InstructionErrorCustom):
        return None
    return transaction_error.index, instruction_error.code


def decode_program_error(
    program: str,
    codes: type[CodeT],
    messages: Mapping[CodeT, str],
    transaction_error: object,
    logs: tuple[str, ...] = (),
) -> ProgramFailedError | None:
    """The named exception for a transaction that failed with one of ``codes``, else None."""
    failed = failed_custom_code(transaction_error)
    if failed is None:
        return None
    try:
        code = codes(failed[1])
    except ValueError:
        return None
    return ProgramFailedError(program, code, messages[code], logs)
