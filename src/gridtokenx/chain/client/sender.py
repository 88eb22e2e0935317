"""send_and_confirm: sign, send, confirm, resend safely, rebuild only after expiry.

A transaction's signature is its identity: the sender re-sends the *same signed bytes* until
they reach the commitment or their blockhash expires, so a resend can never apply twice. Only
once the blockhash is no longer valid (and a status check shows the signature did not land,
which it now never can) is the transaction rebuilt with a new blockhash and a new signature.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from solders.address_lookup_table_account import AddressLookupTableAccount
from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from gridtokenx.chain.client.errors import (
    BlockhashExpiredError,
    ChainClientError,
    ChainTransportError,
    ConfirmationTimeoutError,
    PreflightFailedError,
    TransactionFailedError,
)
from gridtokenx.chain.client.metrics import ConfirmedVia, SendMetrics
from gridtokenx.chain.client.program_errors import (
    ErrorDecoder,
    decode_failure,
    instruction_program_ids,
)
from gridtokenx.chain.client.rpc import Commitment, SolanaRpc
from gridtokenx.chain.client.signatures import SignatureWatch, SignatureWatcher
from gridtokenx.chain.client.transactions import TransactionVersion, build_transaction


@dataclass(frozen=True, slots=True)
class SendPolicy:
    commitment: Commitment
    confirm_timeout_s: float
    resend_interval_s: float
    poll_interval_s: float
    compute_unit_limit: int = 0
    priority_fee_micro_lamports: int = 0


@dataclass(frozen=True, slots=True)
class Confirmation:
    signature: Signature
    slot: int
    sends: int
    """How often this signature was sent (1 + resends)."""
    rebuilds: int
    """How many earlier signatures expired unlanded before this one."""
    latency_s: float
    via: ConfirmedVia


@dataclass(frozen=True, slots=True)
class _Landed:
    slot: int
    err: object
    via: ConfirmedVia


class TransactionSender:
    def __init__(
        self,
        rpc: SolanaRpc,
        watcher: SignatureWatcher,
        policy: SendPolicy,
        decoders: Mapping[Pubkey, ErrorDecoder],
        metrics: SendMetrics,
    ) -> None:
        self.rpc = rpc
        self.watcher = watcher
        self.policy = policy
        self.decoders = decoders
        self.metrics = metrics

    async def send_and_confirm(
        self,
        instructions: Sequence[Instruction],
        signers: Sequence[Keypair],
        payer: Keypair,
        *,
        version: TransactionVersion = "legacy",
        lookup_tables: Sequence[AddressLookupTableAccount] = (),
        compute_unit_limit: int | None = None,
        priority_fee_micro_lamports: int | None = None,
        skip_preflight: bool = False,
    ) -> Confirmation:
        """Land ``instructions`` (``payer`` pays and signs, with ``signers``) at the policy's
        commitment. ``compute_unit_limit`` and ``priority_fee_micro_lamports`` override the
        policy's (0: leave the instruction out).

        Raises ProgramFailedError (a Registry or Trading error code, from preflight or on
        chain), PreflightFailedError, TransactionFailedError, ConfirmationTimeoutError,
        ChainTransportError.
        """
        policy = self.policy
        limit = policy.compute_unit_limit if compute_unit_limit is None else compute_unit_limit
        price = (
            policy.priority_fee_micro_lamports
            if priority_fee_micro_lamports is None
            else priority_fee_micro_lamports
        )
        started = time.monotonic()
        deadline = started + policy.confirm_timeout_s
        rebuilds = 0
        expired: set[Hash] = set()
        try:
            while True:
                latest = await self.rpc.get_latest_blockhash()
                if latest.blockhash in expired:
                    # A lagging RPC node still hands out the expired blockhash; wait for the next.
                    await asyncio.sleep(policy.poll_interval_s)
                    continue
                transaction = build_transaction(
                    instructions,
                    payer,
                    signers,
                    latest.blockhash,
                    version=version,
                    lookup_tables=lookup_tables,
                    compute_unit_limit=limit,
                    priority_fee_micro_lamports=price,
                )
                try:
                    return await self._land(
                        transaction, started, deadline, rebuilds, skip_preflight=skip_preflight
                    )
                except BlockhashExpiredError:
                    self.metrics.rebuilt(transaction.signatures[0])
                    expired.add(latest.blockhash)
                    rebuilds += 1
                    if time.monotonic() >= deadline:
                        raise ConfirmationTimeoutError(
                            f"no transaction landed within {policy.confirm_timeout_s:.0f} s "
                            f"({rebuilds} blockhashes expired); is the cluster producing "
                            "blocks? raise GRIDTOKENX_CHAIN__CONFIRM_TIMEOUT_S if it is slow"
                        ) from None
        except Exception as exc:
            self.metrics.failed(type(exc).__name__)
            raise

    async def submit_signed(self, transaction: VersionedTransaction) -> Confirmation:
        """Land an already signed transaction, resending the same bytes; raises
        BlockhashExpiredError when its blockhash expires unlanded (sign it again then)."""
        started = time.monotonic()
        try:
            return await self._land(
                transaction, started, started + self.policy.confirm_timeout_s, 0
            )
        except Exception as exc:
            self.metrics.failed(type(exc).__name__)
            raise

    async def confirm_signature(self, signature: Signature) -> int:
        """Wait until someone else's transaction (an airdrop) reaches the commitment; its slot.

        Raises TransactionFailedError if it failed, ConfirmationTimeoutError if it never
        arrives in time.
        """
        deadline = time.monotonic() + self.policy.confirm_timeout_s
        watch = await self.watcher.watch(signature)
        try:
            while time.monotonic() < deadline:
                landed, watch = await self._wait(signature, watch)
                if landed is None:
                    continue
                if landed.err is not None:
                    logs = await self._logs(signature)
                    raise TransactionFailedError(str(signature), landed.err, logs)
                return landed.slot
        finally:
            if watch is not None:
                await watch.cancel()
        raise ConfirmationTimeoutError(
            f"transaction {signature} was not {self.policy.commitment} within "
            f"{self.policy.confirm_timeout_s:.0f} s"
        )

    async def _land(
        self,
        transaction: VersionedTransaction,
        started: float,
        deadline: float,
        rebuilds: int,
        *,
        skip_preflight: bool = False,
    ) -> Confirmation:
        signature = transaction.signatures[0]
        # Subscribe before sending so that a fast confirmation cannot slip past.
        watch = await self.watcher.watch(signature)
        try:
            await self._send_first(transaction, skip_preflight)
            self.metrics.sent(signature)
            sends = 1
            next_resend = time.monotonic() + self.policy.resend_interval_s
            while True:
                landed, watch = await self._wait(signature, watch)
                if landed is not None:
                    return await self._outcome(transaction, landed, started, sends, rebuilds)
                now = time.monotonic()
                if now >= deadline:
                    raise ConfirmationTimeoutError(
                        f"transaction {signature} was not {self.policy.commitment} within "
                        f"{self.policy.confirm_timeout_s:.0f} s; it may still land while its "
                        "blockhash is valid (check getSignatureStatuses before sending again)"
                    )
                if now < next_resend:
                    continue
                landed = await self._landed_before_expiry(transaction)
                if landed is not None:
                    return await self._outcome(transaction, landed, started, sends, rebuilds)
                await self._resend(transaction)
                sends += 1
                next_resend = time.monotonic() + self.policy.resend_interval_s
        finally:
            if watch is not None:
                await watch.cancel()

    async def _send_first(self, transaction: VersionedTransaction, skip_preflight: bool) -> None:
        try:
            await self.rpc.send_transaction(transaction, skip_preflight=skip_preflight)
        except PreflightFailedError as exc:
            error = exc.transaction_error
            if error == "AlreadyProcessed":
                return  # it landed already; the confirmation loop will see it
            if error == "BlockhashNotFound":
                raise BlockhashExpiredError(
                    f"the cluster no longer knows blockhash {transaction.message.recent_blockhash}"
                ) from exc
            decoded = decode_failure(
                error,
                exc.logs,
                instruction_program_ids(transaction.message),
                self.decoders,
            )
            if decoded is not None:
                raise decoded from exc
            raise
        except ChainTransportError:
            # The request may or may not have reached the cluster; resending is safe.
            return

    async def _resend(self, transaction: VersionedTransaction) -> None:
        try:
            await self.rpc.send_transaction(transaction, skip_preflight=True)
        except ChainClientError:
            return  # the next status check or resend decides
        self.metrics.resent(transaction.signatures[0])

    async def _wait(
        self, signature: Signature, watch: SignatureWatch | None
    ) -> tuple[_Landed | None, SignatureWatch | None]:
        """Up to one poll interval for the WebSocket, then one status poll as a safety net."""
        interval = self.policy.poll_interval_s
        if watch is not None:
            try:
                notification = await asyncio.wait_for(asyncio.shield(watch.notification), interval)
                return _Landed(notification.slot, notification.err, "websocket"), watch
            except TimeoutError:
                pass
            except ChainTransportError:
                await watch.cancel()
                watch = None
        else:
            await asyncio.sleep(interval)
        try:
            (status,) = await self.rpc.get_signature_statuses([signature])
        except ChainClientError:
            return None, watch
        if status is not None and status.reached(self.policy.commitment):
            return _Landed(status.slot, status.err, "polling"), watch
        return None, watch

    async def _landed_before_expiry(self, transaction: VersionedTransaction) -> _Landed | None:
        """Once the blockhash has expired, the transaction's final fate from the full status
        history: landed (returned once at the commitment), or BlockhashExpiredError if it never
        landed (it never can now). None while the blockhash is valid or nothing can be told."""
        signature = transaction.signatures[0]
        try:
            if await self.rpc.is_blockhash_valid(transaction.message.recent_blockhash):
                return None
            (status,) = await self.rpc.get_signature_statuses(
                [signature], search_transaction_history=True
            )
        except ChainClientError:
            return None  # cannot tell; resending the same bytes is always safe
        if status is None:
            raise BlockhashExpiredError(
                f"transaction {signature} did not land before its blockhash expired"
            )
        if status.reached(self.policy.commitment):
            return _Landed(status.slot, status.err, "polling")
        return None

    async def _outcome(
        self,
        transaction: VersionedTransaction,
        landed: _Landed,
        started: float,
        sends: int,
        rebuilds: int,
    ) -> Confirmation:
        signature = transaction.signatures[0]
        if landed.err is not None:
            logs = await self._logs(signature)
            failure = TransactionFailedError(str(signature), landed.err, logs)
            decoded = decode_failure(
                landed.err, logs, instruction_program_ids(transaction.message), self.decoders
            )
            if decoded is not None:
                raise decoded from failure
            raise failure
        latency_s = time.monotonic() - started
        self.metrics.confirmed(signature, latency_s, landed.via)
        return Confirmation(signature, landed.slot, sends, rebuilds, latency_s, landed.via)

    async def _logs(self, signature: Signature) -> tuple[str, ...]:
        try:
            return await self.rpc.get_transaction_logs(signature)
        except ChainClientError:
            return ()
