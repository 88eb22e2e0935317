"""Building and signing transactions: legacy or v0, with optional compute-budget instructions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from solders.address_lookup_table_account import AddressLookupTableAccount
from solders.compute_budget import set_compute_unit_limit, set_compute_unit_price
from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.message import Message, MessageV0
from solders.transaction import VersionedTransaction

TransactionVersion = Literal["legacy", 0]


def compute_budget_instructions(
    compute_unit_limit: int, priority_fee_micro_lamports: int
) -> list[Instruction]:
    """SetComputeUnitLimit and SetComputeUnitPrice, each only when its value is not 0."""
    budget = []
    if compute_unit_limit:
        budget.append(set_compute_unit_limit(compute_unit_limit))
    if priority_fee_micro_lamports:
        budget.append(set_compute_unit_price(priority_fee_micro_lamports))
    return budget


def build_transaction(
    instructions: Sequence[Instruction],
    payer: Keypair,
    signers: Sequence[Keypair],
    blockhash: Hash,
    *,
    version: TransactionVersion = "legacy",
    lookup_tables: Sequence[AddressLookupTableAccount] = (),
    compute_unit_limit: int = 0,
    priority_fee_micro_lamports: int = 0,
) -> VersionedTransaction:
    """Sign ``instructions`` with ``payer`` (fee payer) and ``signers``.

    Compute-budget instructions go after the caller's: the runtime reads them wherever they
    are, and the caller's instruction indexes (an Ed25519 check referenced by index, an error's
    instruction index) stay what the caller built.
    """
    every = [
        *instructions,
        *compute_budget_instructions(compute_unit_limit, priority_fee_micro_lamports),
    ]
    keypairs = [payer, *(signer for signer in signers if signer.pubkey() != payer.pubkey())]
    if version == "legacy":
        if lookup_tables:
            raise ValueError("address lookup tables need a v0 transaction (version=0)")
        message: Message | MessageV0 = Message.new_with_blockhash(every, payer.pubkey(), blockhash)
    else:
        message = MessageV0.try_compile(payer.pubkey(), every, list(lookup_tables), blockhash)
    return VersionedTransaction(message, keypairs)
