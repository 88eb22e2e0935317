"""A confirmed transaction survives ``kill -9`` of the node and a restart."""

from __future__ import annotations

import asyncio

import pytest
from solana.rpc.async_api import AsyncClient
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.system_program import TransferParams, transfer
from solders.transaction import Transaction
from solders.transaction_status import TransactionConfirmationStatus

from tests.chain.node.node_process import NodeProcess

pytestmark = pytest.mark.integration

TRANSFERS = 40
_CONFIRM_TIMEOUT_S = 10.0


async def _until_finalized(client: AsyncClient, signatures: list[Signature]) -> None:
    async with asyncio.timeout(_CONFIRM_TIMEOUT_S):
        while True:
            statuses = (await client.get_signature_statuses(signatures)).value
            if all(
                status is not None
                and status.confirmation_status == TransactionConfirmationStatus.Finalized
                for status in statuses
            ):
                return
            await asyncio.sleep(0.05)


async def _send_transfers(node: NodeProcess) -> tuple[list[Signature], dict[Pubkey, int]]:
    payer = Keypair()
    recipients = [Keypair().pubkey() for _ in range(TRANSFERS)]
    async with AsyncClient(node.rpc_url) as client:
        airdrop = (await client.request_airdrop(payer.pubkey(), 10**10)).value
        await _until_finalized(client, [airdrop])
        blockhash = (await client.get_latest_blockhash()).value.blockhash
        signatures = [airdrop]
        for index, recipient in enumerate(recipients):
            instruction = transfer(
                TransferParams(
                    from_pubkey=payer.pubkey(), to_pubkey=recipient, lamports=1_000_000 + index
                )
            )
            signed = Transaction([payer], Message([instruction], payer.pubkey()), blockhash)
            signatures.append((await client.send_raw_transaction(bytes(signed))).value)
        await _until_finalized(client, signatures)
        addresses = [payer.pubkey(), *recipients]
        accounts = (await client.get_multiple_accounts(addresses)).value
        balances = {
            address: account.lamports if account else 0
            for address, account in zip(addresses, accounts, strict=True)
        }
    return signatures, balances


async def _check_after_restart(
    node: NodeProcess, signatures: list[Signature], balances: dict[Pubkey, int]
) -> None:
    async with AsyncClient(node.rpc_url) as client:
        for address, lamports in balances.items():
            assert (await client.get_balance(address)).value == lamports
        for signature in signatures:
            fetched = (await client.get_transaction(signature)).value
            assert fetched is not None
            assert fetched.transaction.meta is not None
            assert fetched.transaction.meta.err is None
        statuses = (await client.get_signature_statuses(signatures)).value
        assert all(status is not None for status in statuses)
        # The restarted chain still takes new transactions.
        again = (await client.request_airdrop(Keypair().pubkey(), 10**9)).value
        await _until_finalized(client, [again])


def test_confirmed_transactions_survive_kill_9(node: NodeProcess) -> None:
    signatures, balances = asyncio.run(_send_transfers(node))
    node.kill()
    # A crash mid-write leaves a torn record at the end of the log: it must be dropped.
    with (node.state_dir / "transactions.wal").open("ab") as log:
        log.write(b"\x40\x00\x00\x00torn")
    node.start()
    asyncio.run(_check_after_restart(node, signatures, balances))
