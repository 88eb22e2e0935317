"""The read side of the client against a bootstrapped node: filters, batches, token balances."""

from __future__ import annotations

import asyncio

import pytest
from solders.keypair import Keypair
from solders.system_program import TransferParams, transfer

from gridtokenx.chain.client import ChainClient, ChainRpcError, DataSizeFilter, MemcmpFilter
from gridtokenx.chain.client.transactions import build_transaction
from gridtokenx.chain.trading.accounts import Market
from tests.chain.local_chain import LocalChain

pytestmark = pytest.mark.integration

SOL = 1_000_000_000


def test_program_accounts_multiple_accounts_and_cluster_reads(local_chain: LocalChain) -> None:
    addresses = local_chain.addresses

    async def scenario() -> None:
        async with ChainClient.from_settings(local_chain.settings.chain) as client:
            rpc = client.rpc
            operator_at = 8  # Market: discriminator, then the operator
            markets = await rpc.get_program_accounts(
                addresses.trading_program,
                [
                    DataSizeFilter(Market.size()),
                    MemcmpFilter(operator_at, bytes(addresses.operator)),
                ],
            )
            assert [address for address, _ in markets] == [addresses.market]
            assert Market.decode(markets[0][1].data).matcher == addresses.matcher
            nobody = await rpc.get_program_accounts(
                addresses.trading_program, [MemcmpFilter(operator_at, bytes(Keypair().pubkey()))]
            )
            assert nobody == []
            missing = Keypair().pubkey()
            found = await rpc.get_multiple_accounts([addresses.gxt_mint, missing, addresses.market])
            assert [account is not None for account in found] == [True, False, True]
            assert await rpc.get_token_account_balance(addresses.fee_vault) == 0
            assert await rpc.get_balance(missing) == 0
            assert await rpc.get_minimum_balance_for_rent_exemption(0) > 0
            latest = await rpc.get_latest_blockhash()
            assert await rpc.is_blockhash_valid(latest.blockhash)
            assert latest.last_valid_block_height > await rpc.get_block_height()
            assert await rpc.get_slot() >= 0
            with pytest.raises(ChainRpcError, match="not a Token account"):
                await rpc.get_token_account_balance(addresses.market)

    asyncio.run(scenario())


def test_simulation_reports_success_and_failure_without_landing(local_chain: LocalChain) -> None:
    async def scenario() -> None:
        async with ChainClient.from_settings(local_chain.settings.chain) as client:
            rpc = client.rpc
            payer = Keypair()
            await client.confirm_signature(await rpc.request_airdrop(payer.pubkey(), SOL))
            recipient = Keypair().pubkey()
            blockhash = (await rpc.get_latest_blockhash()).blockhash
            affordable = build_transaction(
                [
                    transfer(
                        TransferParams(
                            from_pubkey=payer.pubkey(), to_pubkey=recipient, lamports=SOL // 2
                        )
                    )
                ],
                payer,
                [],
                blockhash,
            )
            simulated = await rpc.simulate_transaction(affordable, sig_verify=True)
            assert simulated.err is None
            assert simulated.units_consumed > 0
            assert simulated.logs
            too_much = build_transaction(
                [
                    transfer(
                        TransferParams(
                            from_pubkey=payer.pubkey(), to_pubkey=recipient, lamports=2 * SOL
                        )
                    )
                ],
                payer,
                [],
                blockhash,
            )
            assert (await rpc.simulate_transaction(too_much)).err is not None
            assert await rpc.get_balance(recipient) == 0

    asyncio.run(scenario())
