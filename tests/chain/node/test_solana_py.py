"""solana-py (AsyncClient + SolanaWsClient), unmodified, against the real node in a subprocess."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Confirmed
from solana.rpc.models import TokenAccountOpts
from solana.rpc.websocket_api import SolanaWsClient
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.message import MessageV0
from solders.rpc.config import RpcTransactionLogsFilterMentions
from solders.rpc.responses import (
    AccountNotificationJsonParsed,
    LogsNotification,
    SignatureNotification,
)
from solders.signature import Signature
from solders.system_program import CreateAccountParams, create_account
from solders.transaction import VersionedTransaction
from spl.token.constants import TOKEN_PROGRAM_ID
from spl.token.instructions import (
    create_associated_token_account,
    get_associated_token_address,
    initialize_mint2,
    mint_to_checked,
    transfer_checked,
)
from spl.token.models import InitializeMint2Params, MintToCheckedParams, TransferCheckedParams

from tests.chain.node.node_process import NodeProcess

pytestmark = pytest.mark.integration

LAMPORTS_PER_SOL = 1_000_000_000
MINT_SIZE = 82
DECIMALS = 6
_NOTIFY_TIMEOUT_S = 10.0


async def _send(
    client: AsyncClient, payer: Keypair, instructions: list[Instruction], *extra: Keypair
) -> Signature:
    blockhash = (await client.get_latest_blockhash()).value.blockhash
    message = MessageV0.try_compile(payer.pubkey(), instructions, [], blockhash)
    transaction = VersionedTransaction(message, [payer, *extra])
    return (await client.send_transaction(transaction)).value


async def _confirm_over_ws(ws: SolanaWsClient, signature: Signature) -> None:
    await ws.signature_subscribe(signature=signature, commitment=Confirmed)
    notification = await asyncio.wait_for(ws.recv(), _NOTIFY_TIMEOUT_S)
    assert isinstance(notification, SignatureNotification)
    assert notification.result.value.err is None


async def _token_flow(node: NodeProcess) -> None:
    payer, mint, recipient = Keypair(), Keypair(), Keypair()
    async with AsyncClient(node.rpc_url) as client, SolanaWsClient(node.ws_url) as ws:
        airdrop = (await client.request_airdrop(payer.pubkey(), 10 * LAMPORTS_PER_SOL)).value
        await _confirm_over_ws(ws, airdrop)
        assert (await client.get_balance(payer.pubkey())).value == 10 * LAMPORTS_PER_SOL

        rent = (await client.get_minimum_balance_for_rent_exemption(MINT_SIZE)).value
        create_mint = await _send(
            client,
            payer,
            [
                create_account(
                    CreateAccountParams(
                        from_pubkey=payer.pubkey(),
                        to_pubkey=mint.pubkey(),
                        lamports=rent,
                        space=MINT_SIZE,
                        owner=TOKEN_PROGRAM_ID,
                    )
                ),
                initialize_mint2(
                    InitializeMint2Params(
                        decimals=DECIMALS,
                        program_id=TOKEN_PROGRAM_ID,
                        mint=mint.pubkey(),
                        mint_authority=payer.pubkey(),
                    )
                ),
            ],
            mint,
        )
        await _confirm_over_ws(ws, create_mint)

        source = get_associated_token_address(payer.pubkey(), mint.pubkey())
        dest = get_associated_token_address(recipient.pubkey(), mint.pubkey())
        create_atas = await _send(
            client,
            payer,
            [
                create_associated_token_account(payer.pubkey(), payer.pubkey(), mint.pubkey()),
                create_associated_token_account(payer.pubkey(), recipient.pubkey(), mint.pubkey()),
                mint_to_checked(
                    MintToCheckedParams(
                        program_id=TOKEN_PROGRAM_ID,
                        mint=mint.pubkey(),
                        dest=source,
                        mint_authority=payer.pubkey(),
                        amount=1_000_000,
                        decimals=DECIMALS,
                    )
                ),
            ],
        )
        await _confirm_over_ws(ws, create_atas)

        await ws.account_subscribe(pubkey=dest, encoding="jsonParsed", commitment=Confirmed)
        await ws.logs_subscribe(filter_=RpcTransactionLogsFilterMentions(dest))
        transfer = await _send(
            client,
            payer,
            [
                transfer_checked(
                    TransferCheckedParams(
                        program_id=TOKEN_PROGRAM_ID,
                        source=source,
                        mint=mint.pubkey(),
                        dest=dest,
                        owner=payer.pubkey(),
                        amount=250_000,
                        decimals=DECIMALS,
                    )
                )
            ],
        )
        seen = [await asyncio.wait_for(ws.recv(), _NOTIFY_TIMEOUT_S) for _ in range(2)]
        logs = next(each for each in seen if isinstance(each, LogsNotification))
        assert logs.result.value.signature == transfer
        assert f"Program {TOKEN_PROGRAM_ID} success" in logs.result.value.logs
        account = next(each for each in seen if isinstance(each, AccountNotificationJsonParsed))
        token_account: Any = account.result.value.data.parsed
        assert token_account["info"]["tokenAmount"]["amount"] == "250000"

        await client.confirm_transaction(transfer, commitment=Confirmed)
        fetched = (
            await client.get_transaction(transfer, max_supported_transaction_version=0)
        ).value
        assert fetched is not None
        meta = fetched.transaction.meta
        assert meta is not None
        assert meta.err is None
        post = {
            balance.owner: balance.ui_token_amount.amount
            for balance in meta.post_token_balances or []
        }
        assert post == {payer.pubkey(): "750000", recipient.pubkey(): "250000"}

        balance = (await client.get_token_account_balance(dest)).value
        assert (balance.amount, balance.decimals) == ("250000", DECIMALS)
        supply = (await client.get_token_supply(mint.pubkey())).value
        assert supply.amount == "1000000"
        owned = (
            await client.get_token_accounts_by_owner_json_parsed(
                recipient.pubkey(), TokenAccountOpts(mint=mint.pubkey())
            )
        ).value
        assert [each.pubkey for each in owned] == [dest]
        history = (await client.get_signatures_for_address(payer.pubkey())).value
        assert [each.signature for each in history] == [transfer, create_atas, create_mint, airdrop]


def test_airdrop_mint_and_transfer_with_solana_py(shared_node: NodeProcess) -> None:
    asyncio.run(_token_flow(shared_node))
