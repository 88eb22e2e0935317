"""Unsigned transactions for wallets to sign, and the check of what they send back. Pure.

Prepared transactions are serialized in the wire format with an empty (all-zero) signature for
the one signer, the owner's wallet, which also pays: what the Wallet Standard's
``solana:signTransaction`` takes as ``transaction: Uint8Array`` and what ``@solana/web3.js``
reads with ``Transaction.from`` or ``VersionedTransaction.deserialize``. The wallet signs the
message bytes and fills in that signature; nothing else changes.

A submitted transaction is relayed only if it is exactly what a prepare route could have built:
one legacy (or v0 without lookup tables) message, signed by the caller's wallet alone (it is
the fee payer), whose instructions are compute-budget instructions, idempotent creations of the
caller's associated token accounts, and exactly one Trading ``place_order``, ``cancel_order`` or
``claim`` of the caller's own. Anything else is refused: the gateway is not an open RPC proxy.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from solders.compute_budget import ID as COMPUTE_BUDGET_PROGRAM_ID
from solders.hash import Hash
from solders.instruction import CompiledInstruction, Instruction
from solders.message import Message, MessageV0
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import Transaction, VersionedTransaction

from gridtokenx.chain.spl_token import ASSOCIATED_TOKEN_PROGRAM_ID
from gridtokenx.chain.trading.instructions import CancelOrder, Claim, PlaceOrder
from gridtokenx.gateway.order_errors import (
    TransactionMalformedError,
    TransactionRefusedError,
    TransactionSignerError,
)

PACKET_DATA_SIZE = 1232
"""The largest serialized transaction a cluster accepts (bytes)."""
_ATA_CREATE_IDEMPOTENT = bytes([1])
_OWNER_POSITION = 2
"""The owner is account 2 of place_order, cancel_order and claim (docs/onchain.md)."""
_TRADING_KINDS = {
    PlaceOrder.discriminator(): "place_order",
    CancelOrder.discriminator(): "cancel_order",
    Claim.discriminator(): "claim",
}


def unsigned_transaction(
    instructions: Sequence[Instruction], payer: Pubkey, blockhash: Hash
) -> bytes:
    """A legacy transaction of ``instructions`` paid by ``payer``, with its signature empty."""
    message = Message.new_with_blockhash(list(instructions), payer, blockhash)
    return bytes(Transaction.new_unsigned(message))


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckedTransaction:
    transaction: VersionedTransaction
    signature: Signature
    kind: str
    """``place_order``, ``cancel_order`` or ``claim``."""
    accounts: tuple[Pubkey, ...]
    """The Trading instruction's accounts, in order (the order is at 1, the owner at 2)."""


def decode_transaction(text: str) -> VersionedTransaction:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TransactionMalformedError("the transaction is not valid base64") from exc
    if not raw or len(raw) > PACKET_DATA_SIZE:
        raise TransactionMalformedError(
            f"a serialized transaction has 1 to {PACKET_DATA_SIZE} bytes; got {len(raw)}",
            {"bytes": len(raw)},
        )
    try:
        transaction = VersionedTransaction.from_bytes(raw)
    except Exception as exc:  # solders raises its own (non-public) error types
        raise TransactionMalformedError(
            "the bytes are not a serialized Solana transaction (legacy or v0)"
        ) from exc
    if bytes(transaction) != raw:
        raise TransactionMalformedError("the transaction has trailing or non-canonical bytes")
    return transaction


def _message_bytes(message: Message | MessageV0) -> bytes:
    if isinstance(message, Message):
        return bytes(message)
    return b"\x80" + bytes(message)


def check_transaction(
    transaction: VersionedTransaction, *, wallet: Pubkey, trading_program: Pubkey
) -> CheckedTransaction:
    """Refuse anything but a transaction of ``wallet`` alone with one Trading instruction of its
    own (see the module docstring); the checked parts otherwise."""
    message = transaction.message
    if not isinstance(message, Message | MessageV0):
        raise TransactionRefusedError("only legacy and v0 transactions are relayed")
    if isinstance(message, MessageV0) and message.address_table_lookups:
        raise TransactionRefusedError(
            "address lookup tables are not needed by order transactions and are not relayed",
            {"reason": "lookup_tables"},
        )
    keys = list(message.account_keys)
    header = message.header
    signers = keys[: header.num_required_signatures]
    if signers != [wallet]:
        raise TransactionSignerError(
            "the transaction must be signed by the signed-in wallet alone, which pays its fee",
            {"wallet": str(wallet), "signers": [str(key) for key in signers]},
        )
    signatures = list(transaction.signatures)
    if len(signatures) != 1 or not signatures[0].verify(wallet, _message_bytes(message)):
        raise TransactionSignerError(
            "the wallet's signature is missing or does not verify over the message",
            {"wallet": str(wallet)},
        )
    trading: list[CompiledInstruction] = []
    for instruction in message.instructions:
        program = _key(keys, instruction.program_id_index)
        if program == trading_program:
            trading.append(instruction)
        elif program == COMPUTE_BUDGET_PROGRAM_ID:
            continue
        elif program == ASSOCIATED_TOKEN_PROGRAM_ID:
            _check_ata_creation(keys, instruction, wallet)
        else:
            raise TransactionRefusedError(
                f"instructions of program {program} are not relayed",
                {"reason": "foreign_instruction", "program": str(program)},
            )
    if len(trading) != 1:
        raise TransactionRefusedError(
            f"a relayed transaction has exactly one Trading instruction; this one has "
            f"{len(trading)}",
            {"reason": "trading_instruction_count", "count": len(trading)},
        )
    kind = _TRADING_KINDS.get(bytes(trading[0].data[:8]))
    if kind is None:
        raise TransactionRefusedError(
            "only place_order, cancel_order and claim are relayed",
            {"reason": "trading_instruction_kind"},
        )
    accounts = tuple(_key(keys, index) for index in trading[0].accounts)
    if len(accounts) <= _OWNER_POSITION or accounts[_OWNER_POSITION] != wallet:
        raise TransactionRefusedError(
            "the order's owner must be the signed-in wallet", {"reason": "foreign_owner"}
        )
    return CheckedTransaction(
        transaction=transaction, signature=signatures[0], kind=kind, accounts=accounts
    )


def _key(keys: list[Pubkey], index: int) -> Pubkey:
    if index >= len(keys):
        raise TransactionMalformedError("an instruction names an account the message lacks")
    return keys[index]


def _check_ata_creation(
    keys: list[Pubkey], instruction: CompiledInstruction, wallet: Pubkey
) -> None:
    accounts = [_key(keys, index) for index in instruction.accounts]
    # create_idempotent: [payer, associated account, wallet, mint, system, token program]
    if bytes(instruction.data) != _ATA_CREATE_IDEMPOTENT or len(accounts) < 3:
        raise TransactionRefusedError(
            "only the idempotent creation of the wallet's own token accounts is relayed",
            {"reason": "foreign_instruction", "program": str(ASSOCIATED_TOKEN_PROGRAM_ID)},
        )
    if accounts[0] != wallet or accounts[2] != wallet:
        raise TransactionRefusedError(
            "a token account created here belongs to the signed-in wallet",
            {"reason": "foreign_owner"},
        )
