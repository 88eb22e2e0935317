"""ChainClient: the one object services hold to read the chain and land transactions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import TracebackType

from solders.address_lookup_table_account import AddressLookupTableAccount
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from gridtokenx.chain.client.metrics import SendCounters, SendMetrics
from gridtokenx.chain.client.program_errors import ErrorDecoder
from gridtokenx.chain.client.rpc import SolanaRpc
from gridtokenx.chain.client.sender import Confirmation, SendPolicy, TransactionSender
from gridtokenx.chain.client.signatures import SignatureWatcher
from gridtokenx.chain.client.transactions import TransactionVersion
from gridtokenx.config import ChainSettings


class ChainClient:
    """JSON-RPC (``rpc``), PubSub confirmations and the sender, sharing one policy.

    Use as ``async with ChainClient.from_settings(settings.chain, decoders) as chain:``.
    """

    def __init__(
        self,
        rpc_url: str,
        ws_url: str,
        policy: SendPolicy,
        *,
        request_timeout_s: float,
        decoders: Mapping[Pubkey, ErrorDecoder] | None = None,
        metrics: SendMetrics | None = None,
    ) -> None:
        self.rpc = SolanaRpc(rpc_url, timeout_s=request_timeout_s, commitment=policy.commitment)
        self.watcher = SignatureWatcher(ws_url, policy.commitment, timeout_s=request_timeout_s)
        self.metrics: SendMetrics = metrics if metrics is not None else SendCounters()
        self.sender = TransactionSender(
            self.rpc, self.watcher, policy, dict(decoders or {}), self.metrics
        )

    @classmethod
    def from_settings(
        cls,
        settings: ChainSettings,
        decoders: Mapping[Pubkey, ErrorDecoder] | None = None,
        metrics: SendMetrics | None = None,
    ) -> ChainClient:
        """A client of ``settings.client_rpc_url`` with the settings' send policy.

        Pass ``ChainAddresses.error_decoders()`` as ``decoders`` to get Registry and Trading
        refusals as named ``ProgramFailedError``s.
        """
        policy = SendPolicy(
            commitment=settings.commitment,
            confirm_timeout_s=settings.confirm_timeout_s,
            resend_interval_s=settings.resend_interval_s,
            poll_interval_s=settings.poll_interval_s,
            compute_unit_limit=settings.compute_unit_limit,
            priority_fee_micro_lamports=settings.priority_fee_micro_lamports,
        )
        return cls(
            settings.client_rpc_url,
            settings.client_ws_url,
            policy,
            request_timeout_s=settings.request_timeout_s,
            decoders=decoders,
            metrics=metrics,
        )

    def add_decoders(self, decoders: Mapping[Pubkey, ErrorDecoder]) -> None:
        self.sender.decoders = {**self.sender.decoders, **decoders}

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
        """See ``TransactionSender.send_and_confirm``."""
        return await self.sender.send_and_confirm(
            instructions,
            signers,
            payer,
            version=version,
            lookup_tables=lookup_tables,
            compute_unit_limit=compute_unit_limit,
            priority_fee_micro_lamports=priority_fee_micro_lamports,
            skip_preflight=skip_preflight,
        )

    async def submit_signed(self, transaction: VersionedTransaction) -> Confirmation:
        """See ``TransactionSender.submit_signed``."""
        return await self.sender.submit_signed(transaction)

    async def confirm_signature(self, signature: Signature) -> int:
        """See ``TransactionSender.confirm_signature``."""
        return await self.sender.confirm_signature(signature)

    async def aclose(self) -> None:
        await self.watcher.aclose()
        await self.rpc.aclose()

    async def __aenter__(self) -> ChainClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
