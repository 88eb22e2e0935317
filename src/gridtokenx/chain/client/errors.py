"""Errors of the chain service layer; see ``gridtokenx.errors`` for the whole tree.

A program's own refusal (a Registry or Trading error code) is raised as the program's named
``ProgramFailedError`` instead, chained from the PreflightFailedError or TransactionFailedError
that carried it.
"""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class ChainClientError(GridTokenXError):
    """A request to the cluster or a transaction did not succeed."""


class ChainTransportError(ChainClientError):
    """The cluster could not be reached or answered with something that is not JSON-RPC."""


class ChainRpcError(ChainClientError):
    """The cluster answered a request with a JSON-RPC error object."""

    def __init__(self, method: str, code: int, message: str, data: object = None) -> None:
        super().__init__(f"{method} failed ({code}): {message}")
        self.method = method
        self.code = code
        self.rpc_message = message
        self.data = data


class PreflightFailedError(ChainRpcError):
    """sendTransaction's simulation (-32002) refused the transaction; nothing was sent."""

    @property
    def transaction_error(self) -> object:
        """The TransactionError in its JSON form, e.g. ``{"InstructionError": [0, ...]}``."""
        return self.data.get("err") if isinstance(self.data, dict) else None

    @property
    def logs(self) -> tuple[str, ...]:
        logs = self.data.get("logs") if isinstance(self.data, dict) else None
        return tuple(str(line) for line in logs or ())


class TransactionFailedError(ChainClientError):
    """The transaction landed but failed (its fee was paid, nothing else changed)."""

    def __init__(self, signature: str, transaction_error: object, logs: tuple[str, ...]) -> None:
        super().__init__(
            f"transaction {signature} failed on chain: {transaction_error}; "
            "see `logs` for the programs' output"
        )
        self.signature = signature
        self.transaction_error = transaction_error
        self.logs = logs


class ConfirmationTimeoutError(ChainClientError):
    """A transaction was not confirmed in time; it may still land while its blockhash lives."""


class BlockhashExpiredError(ChainClientError):
    """A signed transaction's blockhash expired before it landed; it never will. Rebuild it."""
