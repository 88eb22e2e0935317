"""Deploying over JSON-RPC: a TransactionSubmitter over the async ChainClient.

``deploy_program`` is synchronous; it runs in a worker thread and each of its calls is run on
the client's event loop, so there is one deploy implementation for LiteSVM and for clusters.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import TypeVar

from solders.hash import Hash
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.transaction import Transaction, VersionedTransaction

from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.client.errors import ChainClientError
from gridtokenx.chain.deploy.deployer import DeployedProgram, deploy_program, upgrade_program
from gridtokenx.chain.deploy.errors import DeployTransactionFailedError

T = TypeVar("T")


class RpcSubmitter:
    """A TransactionSubmitter for code running in a thread other than ``loop``'s."""

    def __init__(self, client: ChainClient, loop: asyncio.AbstractEventLoop) -> None:
        self._client = client
        self._loop = loop

    def _run(self, coroutine: Coroutine[object, object, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def latest_blockhash(self) -> Hash:
        return self._run(self._client.rpc.get_latest_blockhash()).blockhash

    def minimum_balance_for_rent_exemption(self, data_len: int) -> int:
        return self._run(self._client.rpc.get_minimum_balance_for_rent_exemption(data_len))

    def submit(self, transaction: Transaction, purpose: str) -> None:
        try:
            self._run(self._client.submit_signed(VersionedTransaction.from_legacy(transaction)))
        except ChainClientError as exc:
            raise DeployTransactionFailedError(
                f"could not {purpose}: {exc}; check the payer's balance and run the deploy "
                "again (a new buffer is used; the old one can be closed with "
                "`solana program close --buffers`)"
            ) from exc


async def deploy_program_over_rpc(
    client: ChainClient,
    payer: Keypair,
    program: Keypair,
    program_bytes: bytes,
    max_data_len: int | None = None,
) -> DeployedProgram:
    """``deploy_program`` against ``client``'s cluster, without blocking the event loop."""
    submitter = RpcSubmitter(client, asyncio.get_running_loop())
    return await asyncio.to_thread(
        deploy_program, submitter, payer, program, program_bytes, max_data_len
    )


async def upgrade_program_over_rpc(
    client: ChainClient, authority: Keypair, program_id: Pubkey, program_bytes: bytes
) -> DeployedProgram:
    """``upgrade_program`` against ``client``'s cluster, without blocking the event loop."""
    submitter = RpcSubmitter(client, asyncio.get_running_loop())
    return await asyncio.to_thread(upgrade_program, submitter, authority, program_id, program_bytes)
