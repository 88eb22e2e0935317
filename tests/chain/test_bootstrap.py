"""Bootstrap through the stack's provisioning on a private node: programs, mints, registry,
market, the addresses file, idempotent re-runs, and refusing clusters it cannot own."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from solders.keypair import Keypair

from gridtokenx.chain.addresses import load_addresses
from gridtokenx.chain.bootstrap import (
    BootstrapError,
    BootstrapOptions,
    ProgramNotBuiltError,
    pubsub_url_of,
    run_bootstrap,
)
from gridtokenx.chain.client import ChainClient
from gridtokenx.chain.deploy.loader_v3 import (
    LOADER_V3_ID,
    PROGRAMDATA_METADATA_LEN,
    programdata_address,
)
from gridtokenx.chain.keys import read_keypair
from gridtokenx.chain.node.genesis_programs import CHECKOUT_PROGRAM_DIR
from gridtokenx.chain.program_ids import REGISTRY, TRADING, local_program_id
from gridtokenx.chain.registry.accounts import RegistryConfig
from gridtokenx.chain.registry.pda import mint_authority_address
from gridtokenx.chain.spl_token import associated_token_address, parse_account, parse_mint
from gridtokenx.chain.trading.accounts import Market
from gridtokenx.stack.services.chain_node import ChainNodeService
from tests.chain.client.rpc_proxy import RpcProxy
from tests.chain.local_chain import LocalChain, client_settings, running_node

pytestmark = pytest.mark.integration

DEVNET_GENESIS_HASH = "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG"


def test_bootstrap_end_to_end(local_chain: LocalChain) -> None:
    addresses = local_chain.addresses
    operator = read_keypair(local_chain.settings.chain_keys_dir / "operator.json")

    async def check() -> None:
        async with ChainClient.from_settings(local_chain.settings.chain) as client:
            rpc = client.rpc
            for name, program in (
                (REGISTRY, addresses.registry_program),
                (TRADING, addresses.trading_program),
            ):
                assert program == local_program_id(name)
                account = await rpc.get_account_info(program)
                assert account is not None
                assert account.executable
                assert account.owner == LOADER_V3_ID
            gxt = await rpc.get_account_info(addresses.gxt_mint)
            assert gxt is not None
            mint = parse_mint(gxt.data)
            assert mint is not None
            assert mint.mint_authority == mint_authority_address(addresses.registry_program)[0]
            assert mint.mint_authority == addresses.mint_authority
            assert (mint.decimals, mint.freeze_authority, mint.supply) == (6, None, 0)
            quote = await rpc.get_account_info(addresses.quote_mint)
            assert quote is not None
            quote_mint = parse_mint(quote.data)
            assert quote_mint is not None
            assert (quote_mint.decimals, quote_mint.mint_authority) == (6, addresses.faucet)
            config = await rpc.get_account_info(addresses.registry_config)
            assert config is not None
            registry = RegistryConfig.decode(config.data)
            assert (registry.authority, registry.gxt_mint) == (
                operator.pubkey(),
                addresses.gxt_mint,
            )
            market_account = await rpc.get_account_info(addresses.market)
            assert market_account is not None
            market = Market.decode(market_account.data)
            assert market.operator == operator.pubkey() == addresses.operator
            assert market.matcher == addresses.matcher
            assert (market.energy_mint, market.quote_mint) == (
                addresses.gxt_mint,
                addresses.quote_mint,
            )
            assert market.fee_bps == addresses.fee_bps == local_chain.settings.chain.market_fee_bps
            assert market.fee_vault == addresses.fee_vault
            assert addresses.fee_vault == associated_token_address(
                operator.pubkey(), addresses.quote_mint
            )
            fee_vault = await rpc.get_account_info(addresses.fee_vault)
            assert fee_vault is not None
            vault = parse_account(fee_vault.data)
            assert vault is not None
            assert (vault.mint, vault.owner) == (addresses.quote_mint, operator.pubkey())
            assert str(await rpc.get_genesis_hash()) == addresses.genesis_hash
            assert addresses.local

    asyncio.run(check())
    assert load_addresses(local_chain.settings.chain_addresses_file) == addresses
    assert addresses.market_keys().market == addresses.market
    for key in ("operator", "matcher", "faucet", "usdc-mint"):
        mode = stat.S_IMODE(os.stat(local_chain.settings.chain_keys_dir / f"{key}.json").st_mode)
        assert mode == 0o600


def test_rerunning_verifies_without_changing_anything(local_chain: LocalChain) -> None:
    started = time.monotonic()
    report = asyncio.run(run_bootstrap(local_chain.settings, BootstrapOptions()))
    assert report.actions == []
    assert report.warnings == []
    assert report.addresses == local_chain.addresses
    assert time.monotonic() - started < 5.0
    # What `gridtokenx stack up` runs on a healthy chain.
    ChainNodeService(local_chain.settings).provision()
    assert load_addresses(local_chain.settings.chain_addresses_file) == local_chain.addresses


def test_addresses_command_prints_the_file(local_chain: LocalChain) -> None:
    environment = {
        **os.environ,
        "GRIDTOKENX_STATE_DIR": str(local_chain.settings.state_dir),
        "GRIDTOKENX_CHAIN__RPC_PORT": str(local_chain.node.rpc_port),
    }
    printed = subprocess.run(
        [sys.executable, "-m", "gridtokenx", "chain", "addresses", "--json"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(printed.stdout) == local_chain.addresses.as_json()


def test_another_cluster_needs_a_keypair_and_a_quote_mint(local_chain: LocalChain) -> None:
    """A cluster with another genesis is not the local node, whatever its URL."""
    proxy = RpcProxy(local_chain.node.rpc_url, genesis_hash=DEVNET_GENESIS_HASH)

    async def attempt() -> None:
        await proxy.start()
        try:
            with pytest.raises(BootstrapError, match="--keypair"):
                await run_bootstrap(local_chain.settings, BootstrapOptions(rpc_url=proxy.url))
            keypair = local_chain.settings.chain_keys_dir / "operator.json"
            options = BootstrapOptions(
                rpc_url=proxy.url, keypair_file=keypair, quote_mint=Keypair().pubkey()
            )
            with pytest.raises(BootstrapError, match="program keypairs of your own"):
                await run_bootstrap(local_chain.settings, options)
        finally:
            await proxy.stop()
        assert proxy.calls["sendTransaction"] == 0

    asyncio.run(attempt())


def test_stack_provisioning_says_how_to_build_missing_programs(tmp_path: Path) -> None:
    with running_node(tmp_path / "chain") as node:
        settings = client_settings(node, tmp_path, program_dir=tmp_path / "no-programs")
        with pytest.raises(ProgramNotBuiltError, match="make programs"):
            ChainNodeService(settings).provision()
        assert not settings.chain_addresses_file.exists()

        async def registry_account() -> object:
            async with ChainClient.from_settings(settings.chain) as client:
                return await client.rpc.get_account_info(local_program_id(REGISTRY))

        assert asyncio.run(registry_account()) is None


def test_a_new_build_upgrades_the_local_nodes_program_in_place(tmp_path: Path) -> None:
    programs = tmp_path / "programs"
    programs.mkdir()
    for built in CHECKOUT_PROGRAM_DIR.glob("*.so"):
        shutil.copy(built, programs / built.name)
    with running_node(tmp_path / "chain") as node:
        settings = client_settings(node, tmp_path, program_dir=programs)
        ChainNodeService(settings).provision()
        addresses = load_addresses(settings.chain_addresses_file)
        # Another valid program's bytes stand for a new build of the trading program.
        new_build = (programs / "registry.so").read_bytes()
        (programs / "trading.so").write_bytes(new_build)

        report = asyncio.run(run_bootstrap(settings, BootstrapOptions()))
        assert report.actions == [
            f"upgraded the trading program at {addresses.trading_program} to "
            f"{programs / 'trading.so'}"
        ]
        assert report.warnings == []
        assert report.addresses == addresses

        async def deployed_bytes() -> bytes:
            async with ChainClient.from_settings(settings.chain) as client:
                account = await client.rpc.get_account_info(
                    programdata_address(addresses.trading_program)
                )
            assert account is not None
            return account.data[PROGRAMDATA_METADATA_LEN:]

        deployed = asyncio.run(deployed_bytes())
        assert deployed[: len(new_build)] == new_build
        assert not any(deployed[len(new_build) :])
        again = asyncio.run(run_bootstrap(settings, BootstrapOptions()))
        assert (again.actions, again.warnings) == ([], [])


def test_pubsub_url_follows_the_solana_cli_convention() -> None:
    assert pubsub_url_of("https://api.devnet.solana.com") == "wss://api.devnet.solana.com"
    assert pubsub_url_of("http://127.0.0.1:8899") == "ws://127.0.0.1:8900"
    assert pubsub_url_of("http://[::1]:8899/rpc") == "ws://[::1]:8900/rpc"
