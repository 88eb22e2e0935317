"""Running transactions in an in-process LiteSVM without corrupting the process's floats.

LiteSVM (solders 0.29) can return with the x87 FPU's register stack marked in use, as code that
touched MMX registers without EMMS leaves it (seen after creating an associated token account).
glibc's ``fmod`` computes with the x87 unit, so from then on every float ``%`` in the process —
Python's and numpy's — yields NaN. :func:`execute` runs EMMS after each transaction to put the
unit back; ``tests/chain/test_svm.py`` reproduces the fault.
"""

from __future__ import annotations

import ctypes
import mmap
import platform
from collections.abc import Callable, Sequence
from functools import cache

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.transaction import Transaction, VersionedTransaction
from solders.transaction_metadata import (
    FailedTransactionMetadata,
    SimulatedTransactionInfo,
    TransactionMetadata,
)

_EMMS_RET = b"\x0f\x77\xc3"  # emms; ret


@cache
def _emms() -> Callable[[], None]:
    if platform.machine() not in ("x86_64", "AMD64"):
        return lambda: None
    page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    page.write(_EMMS_RET)
    function = ctypes.CFUNCTYPE(None)(ctypes.addressof(ctypes.c_char.from_buffer(page)))
    # The page must outlive the function pointer; keep it referenced from the closure.
    return lambda: (function(), page)[0]


def clear_x87_state() -> None:
    """Mark the x87 register stack empty again (EMMS)."""
    _emms()()


def execute(
    svm: LiteSVM, transaction: Transaction | VersionedTransaction
) -> TransactionMetadata | FailedTransactionMetadata:
    """``svm.send_transaction`` that leaves the process's floating point intact."""
    try:
        return svm.send_transaction(transaction)
    finally:
        clear_x87_state()


def simulate(
    svm: LiteSVM, transaction: Transaction | VersionedTransaction
) -> SimulatedTransactionInfo | FailedTransactionMetadata:
    """``svm.simulate_transaction`` that leaves the process's floating point intact."""
    try:
        return svm.simulate_transaction(transaction)
    finally:
        clear_x87_state()


def send_instructions(
    svm: LiteSVM,
    instructions: Sequence[Instruction],
    payer: Keypair,
    signers: Sequence[Keypair] = (),
) -> TransactionMetadata | FailedTransactionMetadata:
    """Sign ``instructions`` with the fee ``payer`` and ``signers`` and execute them.

    Each call takes a fresh blockhash, so sending the same instructions again is a new
    transaction rather than a deduplicated repeat.
    """
    svm.expire_blockhash()
    transaction = Transaction.new_signed_with_payer(
        list(instructions),
        payer.pubkey(),
        [payer, *[signer for signer in signers if signer != payer]],
        svm.latest_blockhash(),
    )
    return execute(svm, transaction)
