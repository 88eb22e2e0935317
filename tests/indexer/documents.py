"""``getTransaction`` documents built from real signed transactions, as a node answers them."""

from __future__ import annotations

import base64
from collections.abc import Sequence

from solders.address_lookup_table_account import AddressLookupTableAccount
from solders.hash import Hash
from solders.instruction import CompiledInstruction, Instruction
from solders.keypair import Keypair
from solders.message import Message, MessageV0
from solders.pubkey import Pubkey
from solders.transaction import VersionedTransaction

from gridtokenx.chain.node.codec import b58encode

BLOCKHASH = Hash.default()


def signed(instructions: Sequence[Instruction], payer: Keypair, *signers: Keypair) -> bytes:
    message = Message.new_with_blockhash(list(instructions), payer.pubkey(), BLOCKHASH)
    return bytes(VersionedTransaction(message, [payer, *signers]))


def signed_v0(
    instructions: Sequence[Instruction],
    payer: Keypair,
    table: Sequence[Pubkey],
    *signers: Keypair,
) -> tuple[bytes, dict[str, list[str]]]:
    """A v0 transaction naming ``table``'s addresses through a lookup table, and the
    ``loadedAddresses`` a node reports for it."""
    lookup = AddressLookupTableAccount(Pubkey.new_unique(), list(table))
    message = MessageV0.try_compile(payer.pubkey(), list(instructions), [lookup], BLOCKHASH)
    [used] = message.address_table_lookups
    loaded = {
        "writable": [str(table[i]) for i in used.writable_indexes],
        "readonly": [str(table[i]) for i in used.readonly_indexes],
    }
    return bytes(VersionedTransaction(message, [payer, *signers])), loaded


def document(
    raw: bytes,
    *,
    slot: int = 100,
    block_time: int | None = 1_790_000_000,
    err: object = None,
    inner: Sequence[tuple[int, Sequence[CompiledInstruction]]] = (),
    loaded: dict[str, list[str]] | None = None,
    encoding: str = "base64",
) -> dict[str, object]:
    """The ``getTransaction`` result of ``raw`` landed in ``slot``."""
    transaction: object
    if encoding == "base64":
        transaction = [base64.b64encode(raw).decode(), "base64"]
    else:
        parsed = VersionedTransaction.from_bytes(raw)
        transaction = {
            "signatures": [str(each) for each in parsed.signatures],
            "message": {
                "accountKeys": [str(key) for key in parsed.message.account_keys],
                "instructions": [_compiled_json(each) for each in parsed.message.instructions],
            },
        }
    return {
        "slot": slot,
        "blockTime": block_time,
        "transaction": transaction,
        "meta": {
            "err": err,
            "innerInstructions": [
                {"index": index, "instructions": [_compiled_json(each) for each in group]}
                for index, group in inner
            ],
            "loadedAddresses": loaded or {"writable": [], "readonly": []},
        },
    }


def _compiled_json(instruction: CompiledInstruction) -> dict[str, object]:
    return {
        "programIdIndex": instruction.program_id_index,
        "accounts": list(instruction.accounts),
        "data": b58encode(bytes(instruction.data)),
        "stackHeight": None,
    }


def compile_inner(instruction: Instruction, keys: Sequence[str]) -> CompiledInstruction:
    """``instruction`` as an inner instruction of a transaction whose account keys are
    ``keys`` (every account it names must be among them)."""
    return CompiledInstruction(
        keys.index(str(instruction.program_id)),
        bytes(instruction.data),
        bytes(keys.index(str(meta.pubkey)) for meta in instruction.accounts),
    )


def account_keys(raw: bytes) -> list[str]:
    return [str(key) for key in VersionedTransaction.from_bytes(raw).message.account_keys]
