"""Signed settle transactions and packed claim transactions (legacy, 1,232-byte packets)."""

from __future__ import annotations

from collections.abc import Sequence

from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.transaction import VersionedTransaction

from gridtokenx.chain.client.transactions import build_transaction
from gridtokenx.chain.trading.builders import MarketKeys, OrderFill, settle_instruction
from gridtokenx.settlement.core import PendingTrade
from gridtokenx.settlement.errors import SettlementError

PACKET_BYTES = 1_232
SETTLE_INSTRUCTION_INDEX = 0
"""``settle`` is the transaction's first instruction (compute-budget ones, if any, follow)."""
MAX_ORDERS_WITH_SEPARATE_PAYER = 18
"""A payer other than the matcher adds a signature and a key (96 bytes): 9 fills between 18
orders fit then, not 10 between 20."""


def order_fills(trades: Sequence[PendingTrade]) -> list[OrderFill]:
    return [
        OrderFill(
            Pubkey.from_string(trade.buy_order),
            Pubkey.from_string(trade.sell_order),
            trade.quantity,
            trade.price,
        )
        for trade in trades
    ]


def settle_transaction(
    keys: MarketKeys,
    trades: Sequence[PendingTrade],
    matcher: Keypair,
    payer: Keypair,
    blockhash: Hash,
    *,
    compute_unit_limit: int = 0,
    priority_fee_micro_lamports: int = 0,
) -> VersionedTransaction:
    """The fills of ``trades`` in one ``settle``, signed by the matcher (and the payer)."""
    transaction = build_transaction(
        [settle_instruction(keys, matcher.pubkey(), order_fills(trades))],
        payer,
        [matcher],
        blockhash,
        compute_unit_limit=compute_unit_limit,
        priority_fee_micro_lamports=priority_fee_micro_lamports,
    )
    size = len(bytes(transaction))
    if size > PACKET_BYTES:
        raise SettlementError(
            f"a settle of {len(trades)} fills is {size} bytes, over the {PACKET_BYTES}-byte "
            "packet; lower GRIDTOKENX_SETTLEMENT__MAX_ORDERS_PER_TRANSACTION"
        )
    return transaction


def pack_instructions(groups: Sequence[Sequence[Instruction]], payer: Keypair) -> list[list[int]]:
    """Indexes of ``groups`` (each the instructions of one claim) packed greedily, in order, into
    as few legacy transactions paid by ``payer`` as fit the packet (a group never splits)."""
    packed: list[list[int]] = []
    current: list[int] = []
    for index in range(len(groups)):
        candidate = [*current, index]
        instructions = [each for i in candidate for each in groups[i]]
        size = len(bytes(build_transaction(instructions, payer, (), Hash.default())))
        if size <= PACKET_BYTES or not current:
            current = candidate
            continue
        packed.append(current)
        current = [index]
    if current:
        packed.append(current)
    return packed
