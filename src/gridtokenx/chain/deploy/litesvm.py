"""Running deploy transactions in LiteSVM, the in-process Solana runtime used by tests."""

from __future__ import annotations

from solders.hash import Hash
from solders.litesvm import LiteSVM
from solders.transaction import Transaction
from solders.transaction_metadata import FailedTransactionMetadata

from gridtokenx.chain.deploy.errors import DeployTransactionFailedError
from gridtokenx.chain.svm import execute


class LiteSvmSubmitter:
    """A TransactionSubmitter over a LiteSVM instance."""

    def __init__(self, svm: LiteSVM) -> None:
        self._svm = svm

    def latest_blockhash(self) -> Hash:
        return self._svm.latest_blockhash()

    def minimum_balance_for_rent_exemption(self, data_len: int) -> int:
        return self._svm.minimum_balance_for_rent_exemption(data_len)

    def submit(self, transaction: Transaction, purpose: str) -> None:
        result = execute(self._svm, transaction)
        if isinstance(result, FailedTransactionMetadata):
            logs = "\n".join(result.meta().logs())
            raise DeployTransactionFailedError(
                f"could not {purpose}: {result.err()}; program logs:\n{logs}\n"
                "check the payer's balance and that the program passes "
                "`python -m gridtokenx.sbf check`"
            )
