"""Funded traders on the local node: exactly the SOL, USDC and GXT asked for, both token
accounts, and the GXT minted by the Registry for a meter registered to the trader."""

from __future__ import annotations

import asyncio

import pytest
from solders.keypair import Keypair

from gridtokenx.chain.client import ChainClient
from gridtokenx.chain.registry.accounts import UserAccount
from gridtokenx.chain.registry.pda import user_address
from gridtokenx.chain.traders import GXT_PER_WH, Trader, TraderFunding
from tests.chain.local_chain import LocalChain

pytestmark = pytest.mark.integration

SOL = 1_000_000_000


def test_a_funded_trader_holds_exactly_what_was_asked_for(local_chain: LocalChain) -> None:
    addresses = local_chain.addresses

    async def scenario() -> None:
        async with ChainClient.from_settings(
            local_chain.settings.chain, addresses.error_decoders()
        ) as client:
            funding = TraderFunding(client, local_chain.settings, addresses)
            wallet = Keypair()
            seller, buyer = await asyncio.gather(
                funding.fund(wallet, lamports=3 * SOL, energy_wh=2_500),
                funding.fund(lamports=SOL, usdc_base_units=7_000_000),
            )
            assert seller.wallet is wallet
            for trader, gxt, usdc in ((seller, 2_500 * GXT_PER_WH, 0), (buyer, 0, 7_000_000)):
                assert await _tokens(client, trader) == (gxt, usdc)
            # The seller paid for its token accounts and its user and meter accounts.
            assert 2 * SOL < await client.rpc.get_balance(seller.key) < 3 * SOL
            user = await client.rpc.get_account_info(
                user_address(addresses.registry_program, seller.key)[0]
            )
            assert user is not None
            assert UserAccount.decode(user.data).wallet == seller.key
            assert (
                await client.rpc.get_account_info(
                    user_address(addresses.registry_program, buyer.key)[0]
                )
                is None
            )

    asyncio.run(scenario())


async def _tokens(client: ChainClient, trader: Trader) -> tuple[int, int]:
    rpc = client.rpc
    return (
        await rpc.get_token_account_balance(trader.energy_account),
        await rpc.get_token_account_balance(trader.quote_account),
    )
