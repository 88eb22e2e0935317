"""Why an agent's transaction failed, as a short label for the failure counter (pure).

Labels: a program's own refusal is its error code in snake case (``insufficient_funds``,
``nothing_to_claim``, ``wrong_account_owner`` ...); a fee payer without enough SOL for the fee or
for an account's rent is ``insufficient_sol``; the sender's other outcomes are ``timeout``,
``blockhash_expired``, ``transport``, ``preflight``, ``failed_on_chain``, ``rpc``; anything else is
the exception's class name.
"""

from __future__ import annotations

from typing import Final

from gridtokenx.chain.anchor.program_errors import ProgramFailedError
from gridtokenx.chain.client.errors import (
    BlockhashExpiredError,
    ChainRpcError,
    ChainTransportError,
    ConfirmationTimeoutError,
    PreflightFailedError,
    TransactionFailedError,
)
from gridtokenx.chain.client.program_errors import custom_instruction_error

INSUFFICIENT_SOL: Final = "insufficient_sol"
_NO_SOL_ERRORS: Final = frozenset(
    {"AccountNotFound", "InsufficientFundsForFee", "InsufficientFundsForRent"}
)
SYSTEM_INSUFFICIENT_LAMPORTS: Final = 1
"""The System program's ``ResultWithNegativeLamports`` / insufficient-lamports custom code of
CreateAccount and Transfer, which Trading's order creation and the ATA program reach by CPI."""


def _lacks_sol(transaction_error: object, logs: tuple[str, ...]) -> bool:
    if isinstance(transaction_error, str):
        return transaction_error in _NO_SOL_ERRORS
    if isinstance(transaction_error, dict) and _NO_SOL_ERRORS & set(transaction_error):
        return True
    failed = custom_instruction_error(transaction_error)
    if failed is None or failed[1] != SYSTEM_INSUFFICIENT_LAMPORTS:
        return False
    return any("insufficient lamports" in line for line in logs)


def failure_reason(error: BaseException) -> str:
    """The label under which ``error`` is counted."""
    if isinstance(error, ProgramFailedError):
        return error.code.name.lower()
    if isinstance(error, PreflightFailedError):
        return INSUFFICIENT_SOL if _lacks_sol(error.transaction_error, error.logs) else "preflight"
    if isinstance(error, TransactionFailedError):
        if _lacks_sol(error.transaction_error, error.logs):
            return INSUFFICIENT_SOL
        return "failed_on_chain"
    if isinstance(error, ConfirmationTimeoutError):
        return "timeout"
    if isinstance(error, BlockhashExpiredError):
        return "blockhash_expired"
    if isinstance(error, ChainTransportError):
        return "transport"
    if isinstance(error, ChainRpcError):
        return "rpc"
    return type(error).__name__
