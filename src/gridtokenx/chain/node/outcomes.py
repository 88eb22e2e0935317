"""Transaction outcomes in the JSON shapes of Solana's RPC: errors, logs, inner instructions."""

from __future__ import annotations

import base64
import json
import re

from solders.transaction_metadata import (
    FailedTransactionMetadata,
    TransactionMetadata,
)
from solders.transaction_status import TransactionErrorType, TransactionStatus

from gridtokenx.chain.node.codec import b58encode

Outcome = TransactionMetadata | FailedTransactionMetadata

_TRANSACTION_ERROR_TEXT = {
    "AccountNotFound": "Attempt to debit an account but found no record of a prior credit.",
    "AlreadyProcessed": "This transaction has already been processed",
    "BlockhashNotFound": "Blockhash not found",
    "InsufficientFundsForFee": "Insufficient funds for fee",
    "SignatureFailure": "Transaction did not pass signature verification",
}


def error_json(error: TransactionErrorType) -> object:
    """A TransactionError as RPC nodes serialise it, e.g. ``{"InstructionError": [0, ...]}``."""
    status = json.loads(TransactionStatus(0, None, None, error, None).to_json())
    return status["err"]


def _words(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def describe_error(error: object) -> str:
    """A one-line human description of a TransactionError in its JSON form."""
    if isinstance(error, str):
        return _TRANSACTION_ERROR_TEXT.get(error, _words(error))
    if isinstance(error, dict) and len(error) == 1:
        ((name, detail),) = error.items()
        if name == "InstructionError" and isinstance(detail, list) and len(detail) == 2:
            index, instruction_error = detail
            if isinstance(instruction_error, dict) and "Custom" in instruction_error:
                text = f"custom program error: {instruction_error['Custom']:#x}"
            else:
                text = _words(str(instruction_error))
            return f"Error processing Instruction {index}: {text}"
        return f"{_words(name)}: {json.dumps(detail)}"
    return json.dumps(error)


def success_meta(outcome: Outcome) -> TransactionMetadata:
    return outcome if isinstance(outcome, TransactionMetadata) else outcome.meta()


def return_data_json(meta: TransactionMetadata) -> dict[str, object] | None:
    return_data = meta.return_data()
    if not return_data.data:
        return None
    return {
        "programId": str(return_data.program_id),
        "data": [base64.b64encode(return_data.data).decode(), "base64"],
    }


def inner_instructions_json(meta: TransactionMetadata) -> list[dict[str, object]]:
    groups: list[dict[str, object]] = []
    for index, inner in enumerate(meta.inner_instructions()):
        if inner:
            groups.append(
                {
                    "index": index,
                    "instructions": [
                        {
                            "programIdIndex": each.instruction().program_id_index,
                            "accounts": list(each.instruction().accounts),
                            "data": b58encode(each.instruction().data),
                            "stackHeight": each.stack_height(),
                        }
                        for each in inner
                    ],
                }
            )
    return groups
