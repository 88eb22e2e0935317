"""What the minter needs from a cluster (``MintChain``) and its implementation over ChainClient.

Sending answers with an outcome instead of raising: the minter records every outcome in its
ledger, and "not known yet" (a timeout, a lost connection) is an outcome too: the submission
stays pending and the next cycle resolves it from its signature.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from gridtokenx.chain.anchor.program_errors import ProgramFailedError
from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.client.errors import (
    BlockhashExpiredError,
    ChainClientError,
    PreflightFailedError,
    TransactionFailedError,
)
from gridtokenx.chain.registry.errors import RegistryErrorCode
from gridtokenx.minting.core import LandedStatus, Refusal


@dataclass(frozen=True, slots=True)
class Landed:
    signature: str
    slot: int


@dataclass(frozen=True, slots=True)
class Refused:
    refusal: Refusal


@dataclass(frozen=True, slots=True)
class Expired:
    """The blockhash expired and the transaction did not land: it never will."""


@dataclass(frozen=True, slots=True)
class Undecided:
    """No answer in time (timeout, transport): the signature's status decides later."""

    detail: str


SendOutcome = Landed | Refused | Expired | Undecided


class MintChain(Protocol):
    """The cluster as the minter and the meter registration use it."""

    async def latest_blockhash(self) -> Hash: ...

    async def land(self, transaction: VersionedTransaction) -> SendOutcome:
        """Send these signed bytes (again, unchanged) until they land or their blockhash
        expires."""
        ...

    async def execute(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair], payer: Keypair
    ) -> SendOutcome:
        """Sign with a fresh blockhash and land, rebuilding after expiry (idempotent work)."""
        ...

    async def statuses(self, signatures: Sequence[Signature]) -> list[LandedStatus | None]:
        """Each signature's outcome if it landed (searching the whole history), else None."""
        ...

    async def blockhash_valid(self, blockhash: Hash) -> bool: ...

    async def account_data(self, addresses: Sequence[Pubkey]) -> list[bytes | None]: ...

    async def rent_exempt_lamports(self, data_len: int) -> int: ...


def refusal_from_json(transaction_error: object, detail: str) -> Refusal:
    """A Refusal from a TransactionError in its JSON form (``{"InstructionError": [i, e]}``).

    ``i`` is the failing instruction; ``e`` is ``{"Custom": code}`` for a program's own error.
    Whether a custom code is the Registry's depends on which instruction failed, which the
    caller knows (``refusal_action`` checks the index).
    """
    if isinstance(transaction_error, dict):
        detail_pair = transaction_error.get("InstructionError")
        if isinstance(detail_pair, list) and len(detail_pair) == 2:
            index, instruction_error = detail_pair
            code = instruction_error.get("Custom") if isinstance(instruction_error, dict) else None
            registry_code = (
                RegistryErrorCode(code)
                if isinstance(code, int) and code in RegistryErrorCode._value2member_map_
                else None
            )
            return Refusal(index if isinstance(index, int) else None, registry_code, detail)
    return Refusal(None, None, detail)


def _transaction_error(exc: BaseException) -> object:
    if isinstance(exc, PreflightFailedError):
        return exc.transaction_error
    if isinstance(exc, TransactionFailedError):
        return exc.transaction_error
    return None


class ClientMintChain:
    """``MintChain`` over the platform's ChainClient (JSON-RPC + PubSub)."""

    def __init__(self, client: ChainClient) -> None:
        self.client = client

    async def latest_blockhash(self) -> Hash:
        return (await self.client.rpc.get_latest_blockhash()).blockhash

    async def land(self, transaction: VersionedTransaction) -> SendOutcome:
        try:
            confirmation = await self.client.submit_signed(transaction)
        except (ChainClientError, ProgramFailedError) as exc:
            return _outcome_of(exc)
        return Landed(str(confirmation.signature), confirmation.slot)

    async def execute(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair], payer: Keypair
    ) -> SendOutcome:
        try:
            confirmation = await self.client.send_and_confirm(instructions, signers, payer)
        except (ChainClientError, ProgramFailedError) as exc:
            return _outcome_of(exc)
        return Landed(str(confirmation.signature), confirmation.slot)

    async def statuses(self, signatures: Sequence[Signature]) -> list[LandedStatus | None]:
        found = await self.client.rpc.get_signature_statuses(
            signatures, search_transaction_history=True
        )
        # The local node and a single-leader cluster do not fork: a status at any commitment
        # is the transaction's outcome.
        return [None if status is None else LandedStatus(status.err) for status in found]

    async def blockhash_valid(self, blockhash: Hash) -> bool:
        return await self.client.rpc.is_blockhash_valid(blockhash)

    async def account_data(self, addresses: Sequence[Pubkey]) -> list[bytes | None]:
        accounts = await self.client.rpc.get_multiple_accounts(addresses)
        return [None if account is None else account.data for account in accounts]

    async def rent_exempt_lamports(self, data_len: int) -> int:
        return await self.client.rpc.get_minimum_balance_for_rent_exemption(data_len)


def _outcome_of(exc: ChainClientError | ProgramFailedError) -> SendOutcome:
    """The outcome an exception of ``ChainClient`` stands for."""
    if isinstance(exc, BlockhashExpiredError):
        return Expired()
    if isinstance(exc, ProgramFailedError):
        return Refused(refusal_from_json(_transaction_error(exc.__cause__ or exc), str(exc)))
    if isinstance(exc, PreflightFailedError | TransactionFailedError):
        return Refused(refusal_from_json(_transaction_error(exc), str(exc)))
    return Undecided(str(exc))
