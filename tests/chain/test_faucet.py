"""The local faucet funds wallets on the local node and refuses every other cluster."""

from __future__ import annotations

import asyncio

import pytest
from solders.keypair import Keypair

from gridtokenx.chain.client import ChainClient
from gridtokenx.chain.faucet import FaucetError, LocalFaucet, fund_wallet
from gridtokenx.chain.local_node import NotLocalNodeError
from gridtokenx.chain.spl_token import associated_token_address
from tests.chain.client.rpc_proxy import RpcProxy
from tests.chain.local_chain import LocalChain

pytestmark = pytest.mark.integration

DEVNET_GENESIS_HASH = "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG"


def test_faucet_airdrops_sol_and_mints_local_usdc(local_chain: LocalChain) -> None:
    wallet = Keypair().pubkey()
    receipt = asyncio.run(
        fund_wallet(
            local_chain.settings, wallet, lamports=2_500_000_000, usdc_base_units=100_250_000
        )
    )
    usdc_account = associated_token_address(wallet, local_chain.addresses.quote_mint)
    assert receipt.usdc_account == usdc_account

    async def balances() -> tuple[int, int]:
        async with ChainClient.from_settings(local_chain.settings.chain) as client:
            return (
                await client.rpc.get_balance(wallet),
                await client.rpc.get_token_account_balance(usdc_account),
            )

    assert asyncio.run(balances()) == (2_500_000_000, 100_250_000)
    asyncio.run(fund_wallet(local_chain.settings, wallet, lamports=0, usdc_base_units=750_000))
    assert asyncio.run(balances()) == (2_500_000_000, 101_000_000)
    with pytest.raises(FaucetError):
        asyncio.run(fund_wallet(local_chain.settings, wallet, lamports=0, usdc_base_units=0))


def test_faucet_refuses_a_node_with_another_genesis(local_chain: LocalChain) -> None:
    """Same machine, same URL scheme, the real node behind it: only the genesis differs."""
    proxy = RpcProxy(local_chain.node.rpc_url, genesis_hash=DEVNET_GENESIS_HASH)
    wallet = Keypair().pubkey()

    async def attempt() -> None:
        await proxy.start()
        try:
            chain = local_chain.settings.chain.model_copy(update={"cluster_rpc_url": proxy.url})
            async with ChainClient.from_settings(chain) as client:
                faucet = LocalFaucet.from_settings(local_chain.settings, client)
                with pytest.raises(NotLocalNodeError, match="genesis"):
                    await faucet.fund(wallet, lamports=1_000_000_000, usdc_base_units=1)
                assert await client.rpc.get_balance(wallet) == 0
        finally:
            await proxy.stop()
        assert proxy.calls["requestAirdrop"] == 0
        assert proxy.calls["sendTransaction"] == 0

    asyncio.run(attempt())
