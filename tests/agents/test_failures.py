"""Failure labels for the agents' counter (pure): the JSON error shapes are those the local
node returned in tests/agents/test_agents_chain.py."""

from __future__ import annotations

import pytest

from gridtokenx.agents.failures import failure_reason
from gridtokenx.chain.anchor.program_errors import ProgramFailedError
from gridtokenx.chain.client.errors import (
    BlockhashExpiredError,
    ChainRpcError,
    ChainTransportError,
    ConfirmationTimeoutError,
    PreflightFailedError,
    TransactionFailedError,
)
from gridtokenx.chain.trading.errors import TradingErrorCode

RENT_LOGS = [
    "Program 11111111111111111111111111111111 invoke [2]",
    "Transfer: insufficient lamports 1495000, need 2004480",
]


def _preflight(err: object, logs: list[str] | None = None) -> PreflightFailedError:
    return PreflightFailedError(
        "sendTransaction", -32002, "Transaction simulation failed", {"err": err, "logs": logs}
    )


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (_preflight("AccountNotFound"), "insufficient_sol"),
        (_preflight("InsufficientFundsForFee"), "insufficient_sol"),
        (_preflight({"InsufficientFundsForRent": {"account_index": 2}}), "insufficient_sol"),
        (_preflight({"InstructionError": [0, {"Custom": 1}]}, RENT_LOGS), "insufficient_sol"),
        (
            _preflight({"InstructionError": [0, {"Custom": 1}]}, ["token: insufficient funds"]),
            "preflight",
        ),
        (_preflight("BlockhashNotFound"), "preflight"),
        (
            TransactionFailedError("sig", {"InsufficientFundsForRent": {"account_index": 0}}, ()),
            "insufficient_sol",
        ),
        (
            TransactionFailedError("sig", {"InstructionError": [0, "InvalidArgument"]}, ()),
            "failed_on_chain",
        ),
        (
            ProgramFailedError("trading", TradingErrorCode.NOTHING_TO_CLAIM, "nothing", ()),
            "nothing_to_claim",
        ),
        (
            ProgramFailedError("trading", TradingErrorCode.INSUFFICIENT_FUNDS, "short", ()),
            "insufficient_funds",
        ),
        (ConfirmationTimeoutError("late"), "timeout"),
        (BlockhashExpiredError("gone"), "blockhash_expired"),
        (ChainTransportError("down"), "transport"),
        (ChainRpcError("getSlot", -32000, "busy"), "rpc"),
        (RuntimeError("boom"), "RuntimeError"),
    ],
)
def test_each_failure_has_its_label(error: BaseException, reason: str) -> None:
    assert failure_reason(error) == reason
