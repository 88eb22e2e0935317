"""The rest of the HTTP surface, read back through solana-py's own response parsers."""

from __future__ import annotations

import asyncio

import pytest
from solana.rpc.async_api import AsyncClient
from solana.rpc.models import MemcmpOpts
from solders.keypair import Keypair
from solders.message import MessageV0
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountParams, TransferParams, create_account, transfer
from solders.transaction import VersionedTransaction

from tests.chain.node.node_process import NodeProcess, rpc_call

pytestmark = pytest.mark.integration

DATA_OWNER = Pubkey.new_unique()


async def _cluster(node: NodeProcess) -> None:
    async with AsyncClient(node.rpc_url) as client:
        assert (await client.get_version()).value.solana_core
        genesis = (await client.get_genesis_hash()).value
        assert genesis == (await client.get_genesis_hash()).value
        slot = (await client.get_slot()).value
        await asyncio.sleep(0.5)
        assert (await client.get_block_height()).value > slot
        epoch = (await client.get_epoch_info()).value
        assert epoch.absolute_slot >= slot
        assert epoch.slot_index == epoch.absolute_slot % epoch.slots_in_epoch

        payer = Keypair()
        airdrop = (await client.request_airdrop(payer.pubkey(), 10**9)).value
        await client.confirm_transaction(airdrop)
        latest = (await client.get_latest_blockhash()).value
        valid = rpc_call(node.rpc_url, "isBlockhashValid", [str(latest.blockhash)])["result"]
        assert isinstance(valid, dict)
        assert valid["value"] is True
        send = transfer(
            TransferParams(from_pubkey=payer.pubkey(), to_pubkey=Keypair().pubkey(), lamports=10**6)
        )
        message = MessageV0.try_compile(payer.pubkey(), [send], [], latest.blockhash)
        assert (await client.get_fee_for_message(message)).value == 5_000

        simulated = (
            await client.simulate_transaction(
                VersionedTransaction(message, [payer]),
                sig_verify=True,
                accounts_addresses=[payer.pubkey()],
            )
        ).value
        assert simulated.err is None
        assert simulated.accounts is not None
        simulated_payer = simulated.accounts[0]
        assert simulated_payer is not None
        assert simulated_payer.lamports == 10**9 - 5_000 - 10**6
        assert (await client.get_balance(payer.pubkey())).value == 10**9  # nothing landed


async def _program_accounts(node: NodeProcess) -> None:
    async with AsyncClient(node.rpc_url) as client:
        payer = Keypair()
        await client.confirm_transaction(
            (await client.request_airdrop(payer.pubkey(), 10**9)).value
        )
        accounts = [Keypair() for _ in range(2)]
        rents = [
            (await client.get_minimum_balance_for_rent_exemption(8 + index)).value
            for index in range(len(accounts))
        ]
        latest = (await client.get_latest_blockhash()).value
        instructions = [
            create_account(
                CreateAccountParams(
                    from_pubkey=payer.pubkey(),
                    to_pubkey=account.pubkey(),
                    lamports=rents[index],
                    space=8 + index,
                    owner=DATA_OWNER,
                )
            )
            for index, account in enumerate(accounts)
        ]
        message = MessageV0.try_compile(payer.pubkey(), instructions, [], latest.blockhash)
        signature = (
            await client.send_transaction(VersionedTransaction(message, [payer, *accounts]))
        ).value
        await client.confirm_transaction(signature)
        owned = (await client.get_program_accounts(DATA_OWNER, encoding="base64")).value
        assert {each.pubkey for each in owned} == {account.pubkey() for account in accounts}
        sized = (
            await client.get_program_accounts(DATA_OWNER, encoding="base64", filters=[9])
        ).value
        assert [each.pubkey for each in sized] == [accounts[1].pubkey()]
        zeros = (
            await client.get_program_accounts(
                DATA_OWNER, encoding="base64", filters=[MemcmpOpts(offset=0, bytes="1111")]
            )
        ).value
        assert len(zeros) == 2
        assert not (
            await client.get_program_accounts(
                DATA_OWNER, encoding="base64", filters=[MemcmpOpts(offset=0, bytes="2")]
            )
        ).value
        assert (await client.get_account_info(accounts[0].pubkey())).value is not None
        assert (await client.get_account_info(Keypair().pubkey())).value is None


def test_cluster_and_fee_methods(shared_node: NodeProcess) -> None:
    asyncio.run(_cluster(shared_node))


def test_program_accounts_with_filters(shared_node: NodeProcess) -> None:
    asyncio.run(_program_accounts(shared_node))
