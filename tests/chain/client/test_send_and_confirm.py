"""send_and_confirm against a real node: confirmation paths, resending, rebuilding, errors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

import pytest
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.system_program import TransferParams, transfer

from gridtokenx.chain.anchor.program_errors import ProgramFailedError
from gridtokenx.chain.client import (
    ChainClient,
    PreflightFailedError,
    SendCounters,
    TransactionFailedError,
)
from gridtokenx.chain.registry.errors import RegistryErrorCode
from gridtokenx.chain.registry.instructions import Initialize
from gridtokenx.chain.registry.pda import config_address
from gridtokenx.config import ChainSettings, Settings
from tests.chain.client.rpc_proxy import RpcProxy
from tests.chain.local_chain import LocalChain, client_settings, running_node
from tests.chain.node.node_process import NodeProcess, free_port

pytestmark = pytest.mark.integration

SOL = 1_000_000_000
BASE_FEE_LAMPORTS = 5_000


def _client(
    chain: ChainSettings, *, rpc_url: str | None = None, ws_url: str | None = None
) -> ChainClient:
    settings = chain.model_copy(update={"cluster_rpc_url": rpc_url, "cluster_ws_url": ws_url})
    return ChainClient.from_settings(settings, metrics=SendCounters())


async def _funded(client: ChainClient, lamports: int = 10 * SOL) -> Keypair:
    wallet = Keypair()
    await client.confirm_signature(await client.rpc.request_airdrop(wallet.pubkey(), lamports))
    return wallet


def _transfer(payer: Keypair, recipient: Pubkey, lamports: int) -> list[Instruction]:
    return [
        transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=recipient, lamports=lamports))
    ]


def _counters(client: ChainClient) -> SendCounters:
    assert isinstance(client.metrics, SendCounters)
    return client.metrics


@dataclass(frozen=True)
class LocalNode:
    process: NodeProcess
    settings: Settings


async def _with_proxy(
    chain: ChainSettings,
    proxy: RpcProxy,
    body: Callable[[ChainClient], Awaitable[None]],
    ws_url: str,
) -> None:
    await proxy.start()
    try:
        async with _client(chain, rpc_url=proxy.url, ws_url=ws_url) as client:
            await body(client)
    finally:
        await proxy.stop()


def test_happy_path_confirms_over_the_websocket(local_chain: LocalChain) -> None:
    async def scenario() -> None:
        async with _client(local_chain.settings.chain) as client:
            payer, recipient = await _funded(client), Keypair().pubkey()
            confirmation = await client.send_and_confirm(
                _transfer(payer, recipient, SOL),
                [],
                payer,
            )
            assert confirmation.via == "websocket"
            assert (confirmation.sends, confirmation.rebuilds) == (1, 0)
            assert await client.rpc.get_balance(recipient) == SOL
            (status,) = await client.rpc.get_signature_statuses([confirmation.signature])
            assert status is not None
            assert status.err is None
            counters = _counters(client)
            assert (counters.sent_count, counters.confirmed_count, counters.failed_count) == (
                1,
                1,
                0,
            )
            assert counters.latencies_s == [confirmation.latency_s]

    asyncio.run(scenario())


def test_v0_transaction_with_compute_budget(local_chain: LocalChain) -> None:
    async def scenario() -> None:
        async with _client(local_chain.settings.chain) as client:
            payer, recipient = await _funded(client), Keypair().pubkey()
            before = await client.rpc.get_balance(payer.pubkey())
            await client.send_and_confirm(
                _transfer(payer, recipient, SOL),
                [],
                payer,
                version=0,
                compute_unit_limit=10_000,
                priority_fee_micro_lamports=1_000_000,
            )
            # 1 lamport per CU for 10,000 CU on top of the signature fee.
            spent = before - await client.rpc.get_balance(payer.pubkey())
            assert spent == SOL + BASE_FEE_LAMPORTS + 10_000
            with pytest.raises(PreflightFailedError, match=r"budget|exceeded|complete"):
                await client.send_and_confirm(
                    _transfer(payer, recipient, SOL),
                    [],
                    payer,
                    compute_unit_limit=10,
                )

    asyncio.run(scenario())


def test_polling_confirms_when_the_websocket_is_unreachable(local_chain: LocalChain) -> None:
    async def scenario() -> None:
        closed = f"ws://127.0.0.1:{free_port()}"
        async with _client(local_chain.settings.chain, ws_url=closed) as client:
            payer, recipient = await _funded(client), Keypair().pubkey()
            confirmation = await client.send_and_confirm(
                _transfer(payer, recipient, SOL),
                [],
                payer,
            )
            assert confirmation.via == "polling"
            assert await client.rpc.get_balance(recipient) == SOL
            assert _counters(client).confirmed_via == {"polling": 1}

    asyncio.run(scenario())


def test_preflight_failure_is_the_registrys_named_error(local_chain: LocalChain) -> None:
    addresses = local_chain.addresses

    async def scenario() -> None:
        async with ChainClient.from_settings(
            local_chain.settings.chain, decoders=addresses.error_decoders()
        ) as client:
            payer = await _funded(client)
            again = Initialize().instruction(
                addresses.registry_program,
                {
                    "config": config_address(addresses.registry_program)[0],
                    "authority": payer.pubkey(),
                    "gxt_mint": addresses.gxt_mint,
                    "mint_authority": addresses.mint_authority,
                },
            )
            with pytest.raises(ProgramFailedError) as preflight:
                await client.send_and_confirm([again], [], payer)
            assert preflight.value.code is RegistryErrorCode.ALREADY_INITIALIZED
            assert isinstance(preflight.value.__cause__, PreflightFailedError)
            assert preflight.value.logs
            with pytest.raises(ProgramFailedError) as on_chain:
                await client.send_and_confirm([again], [], payer, skip_preflight=True)
            assert on_chain.value.code is RegistryErrorCode.ALREADY_INITIALIZED
            assert isinstance(on_chain.value.__cause__, TransactionFailedError)

    asyncio.run(scenario())


@pytest.fixture(scope="module")
def short_blockhash_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNode]:
    """A node whose blockhashes live about a second (20 slots of 50 ms)."""
    state_dir = tmp_path_factory.mktemp("short-blockhash")
    env = {"GRIDTOKENX_CHAIN__SLOT_MS": "50", "GRIDTOKENX_CHAIN__BLOCKHASH_VALID_SLOTS": "20"}
    with running_node(state_dir / "chain", **env) as node:
        yield LocalNode(node, client_settings(node, state_dir, resend_interval_s=0.1))


def test_polling_takes_over_when_the_websocket_drops_mid_wait(local_chain: LocalChain) -> None:
    proxy = RpcProxy(local_chain.node.rpc_url)

    async def body(client: ChainClient) -> None:
        async with _client(local_chain.settings.chain) as direct:
            payer, recipient = await _funded(direct), Keypair().pubkey()
        confirmation = await client.send_and_confirm(_transfer(payer, recipient, SOL), [], payer)
        assert proxy.calls["signatureSubscribe"] == 1
        assert confirmation.via == "polling"
        assert await client.rpc.get_balance(recipient) == SOL

    asyncio.run(_with_proxy(local_chain.settings.chain, proxy, body, proxy.dropping_pubsub_url))


def test_resending_keeps_the_signature_and_applies_once(short_blockhash_node: LocalNode) -> None:
    """Every send reaches the node, but the client learns nothing until the blockhash expired
    (lost reply, lagging status index, no WebSocket): it resends the same bytes, then finds the
    landed signature in the status history instead of rebuilding."""
    node = short_blockhash_node
    proxy = RpcProxy(node.process.rpc_url, hide_recent_statuses=True, drop_send_replies=1)
    closed = f"ws://127.0.0.1:{free_port()}"

    async def body(client: ChainClient) -> None:
        async with _client(node.settings.chain) as direct:  # the proxy hides the airdrop too
            payer, recipient = await _funded(direct), Keypair().pubkey()
        confirmation = await client.send_and_confirm(_transfer(payer, recipient, SOL), [], payer)
        assert len(proxy.sent_signatures) >= 3
        assert set(proxy.sent_signatures) == {str(confirmation.signature)}
        assert confirmation.sends == len(proxy.sent_signatures)
        assert confirmation.rebuilds == 0
        assert _counters(client).resent_count == confirmation.sends - 1
        assert await client.rpc.get_balance(recipient) == SOL

    asyncio.run(_with_proxy(node.settings.chain, proxy, body, closed))


def test_expired_blockhash_is_rebuilt_once_the_old_signature_cannot_land(
    short_blockhash_node: LocalNode,
) -> None:
    node = short_blockhash_node
    proxy = RpcProxy(node.process.rpc_url, drop_send_requests_of_first_signature=True)

    async def body(client: ChainClient) -> None:
        payer, recipient = await _funded(client), Keypair().pubkey()
        confirmation = await client.send_and_confirm(_transfer(payer, recipient, SOL), [], payer)
        first = Signature.from_string(proxy.sent_signatures[0])
        assert confirmation.signature != first
        assert proxy.sent_signatures.count(str(first)) >= 2  # resent before rebuilding
        assert confirmation.rebuilds >= 1
        assert _counters(client).rebuilt_count == confirmation.rebuilds
        (lost,) = await client.rpc.get_signature_statuses([first], search_transaction_history=True)
        assert lost is None
        assert await client.rpc.get_balance(recipient) == SOL

    asyncio.run(_with_proxy(node.settings.chain, proxy, body, node.process.ws_url))
