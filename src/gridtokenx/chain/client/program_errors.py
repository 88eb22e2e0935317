"""Turning a failed transaction's JSON error into the failing program's named exception."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from solders.message import Message, MessageV0, MessageV1
from solders.pubkey import Pubkey
from solders.transaction_status import InstructionErrorCustom, TransactionErrorInstructionError

from gridtokenx.chain.anchor.program_errors import ProgramFailedError, decode_program_error
from gridtokenx.chain.registry.errors import REGISTRY_ERROR_MESSAGES, RegistryErrorCode
from gridtokenx.chain.trading.errors import decode_trading_error

ErrorDecoder = Callable[[object, tuple[str, ...]], ProgramFailedError | None]
"""``(solders TransactionError, logs) -> the program's exception`` or None."""


def decode_registry_error(
    transaction_error: object, logs: tuple[str, ...] = ()
) -> ProgramFailedError | None:
    """The named exception for a transaction the Registry program refused, else None."""
    return decode_program_error(
        "registry", RegistryErrorCode, REGISTRY_ERROR_MESSAGES, transaction_error, logs
    )


def program_decoders(registry: Pubkey, trading: Pubkey) -> dict[Pubkey, ErrorDecoder]:
    """The decoders of the platform's two programs at their deployed addresses."""
    return {registry: decode_registry_error, trading: decode_trading_error}


def custom_instruction_error(error_json: object) -> tuple[int, int] | None:
    """``(instruction index, code)`` of ``{"InstructionError": [i, {"Custom": code}]}``."""
    if not isinstance(error_json, dict):
        return None
    detail = error_json.get("InstructionError")
    if not isinstance(detail, list) or len(detail) != 2:
        return None
    index, instruction_error = detail
    if not isinstance(instruction_error, dict) or not isinstance(index, int):
        return None
    code = instruction_error.get("Custom")
    return (index, code) if isinstance(code, int) else None


def instruction_program_ids(message: Message | MessageV0 | MessageV1) -> list[Pubkey]:
    """The program of each of the message's instructions, in order (programs are never looked
    up through address tables, so the static keys name them all)."""
    keys = message.account_keys
    return [keys[instruction.program_id_index] for instruction in message.instructions]


def decode_failure(
    error_json: object,
    logs: tuple[str, ...],
    program_ids: Sequence[Pubkey],
    decoders: Mapping[Pubkey, ErrorDecoder],
) -> ProgramFailedError | None:
    """The named exception of the program whose instruction failed, when it is one we know.

    ``program_ids`` are the transaction's instructions' programs, in order.
    """
    failed = custom_instruction_error(error_json)
    if failed is None or failed[0] >= len(program_ids):
        return None
    index, code = failed
    decoder = decoders.get(program_ids[index])
    if decoder is None:
        return None
    return decoder(TransactionErrorInstructionError(index, InstructionErrorCustom(code)), logs)
