"""Deploying a program the way ``solana program deploy`` does: buffer, chunked writes, deploy.

1. one transaction creates the buffer account (system CreateAccount) and InitializeBuffer;
2. Write transactions fill it, each as large as the 1,232-byte packet limit allows;
3. one transaction creates the program account and sends DeployWithMaxDataLen — or, for a
   program already deployed, sends Upgrade (the same buffer steps first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from solders import system_program
from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.transaction import Transaction

from gridtokenx.chain.deploy.errors import TransactionTooLargeError
from gridtokenx.chain.deploy.loader_v3 import (
    BUFFER_METADATA_LEN,
    LOADER_V3_ID,
    PROGRAM_ACCOUNT_LEN,
    deploy_with_max_data_len,
    initialize_buffer,
    programdata_address,
    upgrade,
    write,
)

PACKET_DATA_SIZE = 1232
# A byte vector's compact-u16 length prefix grows from one byte (empty) to two (up to 16 KiB).
_LENGTH_PREFIX_GROWTH = 1


class TransactionSubmitter(Protocol):
    """What deployment needs from a cluster: LiteSVM in tests, an RPC client elsewhere."""

    def latest_blockhash(self) -> Hash: ...

    def minimum_balance_for_rent_exemption(self, data_len: int) -> int: ...

    def submit(self, transaction: Transaction, purpose: str) -> None:
        """Process ``transaction``; raise DeployTransactionFailedError naming ``purpose``."""
        ...


@dataclass(frozen=True, slots=True)
class DeployedProgram:
    program_id: Pubkey
    programdata: Pubkey
    buffer: Pubkey
    write_transactions: int
    chunk_size: int


def deploy_program(
    submitter: TransactionSubmitter,
    payer: Keypair,
    program: Keypair,
    program_bytes: bytes,
    max_data_len: int | None = None,
) -> DeployedProgram:
    """Deploy ``program_bytes`` at ``program``'s address, with ``payer`` as upgrade authority.

    ``max_data_len`` defaults to the program's size; pass more to leave room for upgrades.
    """
    buffer, write_transactions, chunk_size = _filled_buffer(submitter, payer, program_bytes)
    submitter.submit(
        _signed(
            submitter,
            [
                _create_loader_account(submitter, payer, program.pubkey(), PROGRAM_ACCOUNT_LEN),
                deploy_with_max_data_len(
                    payer.pubkey(),
                    program.pubkey(),
                    buffer.pubkey(),
                    payer.pubkey(),
                    max_data_len if max_data_len is not None else len(program_bytes),
                ),
            ],
            payer,
            [program],
        ),
        "deploy the program",
    )
    return DeployedProgram(
        program_id=program.pubkey(),
        programdata=programdata_address(program.pubkey()),
        buffer=buffer.pubkey(),
        write_transactions=write_transactions,
        chunk_size=chunk_size,
    )


def upgrade_program(
    submitter: TransactionSubmitter, authority: Keypair, program_id: Pubkey, program_bytes: bytes
) -> DeployedProgram:
    """Replace the bytes of the program at ``program_id`` (``authority`` is its upgrade
    authority and pays); they must fit the ProgramData's ``max_data_len``."""
    buffer, write_transactions, chunk_size = _filled_buffer(submitter, authority, program_bytes)
    submitter.submit(
        _signed(
            submitter,
            [upgrade(program_id, buffer.pubkey(), authority.pubkey(), authority.pubkey())],
            authority,
            [],
        ),
        "upgrade the program",
    )
    return DeployedProgram(
        program_id=program_id,
        programdata=programdata_address(program_id),
        buffer=buffer.pubkey(),
        write_transactions=write_transactions,
        chunk_size=chunk_size,
    )


def _filled_buffer(
    submitter: TransactionSubmitter, payer: Keypair, program_bytes: bytes
) -> tuple[Keypair, int, int]:
    """A new buffer holding ``program_bytes`` (``payer`` its authority); with the number of
    write transactions and their chunk size."""
    buffer = Keypair()
    submitter.submit(
        _signed(
            submitter,
            [
                _create_loader_account(
                    submitter, payer, buffer.pubkey(), BUFFER_METADATA_LEN + len(program_bytes)
                ),
                initialize_buffer(buffer.pubkey(), payer.pubkey()),
            ],
            payer,
            [buffer],
        ),
        "create the buffer account",
    )
    chunk_size = _write_chunk_size(submitter, payer, buffer.pubkey())
    offsets = range(0, len(program_bytes), chunk_size)
    for offset in offsets:
        chunk = program_bytes[offset : offset + chunk_size]
        transaction = _signed(
            submitter, [write(buffer.pubkey(), payer.pubkey(), offset, chunk)], payer, []
        )
        submitter.submit(transaction, f"write bytes {offset}..{offset + len(chunk)}")
    return buffer, len(offsets), chunk_size


def _create_loader_account(
    submitter: TransactionSubmitter, payer: Keypair, address: Pubkey, space: int
) -> Instruction:
    return system_program.create_account(
        {
            "from_pubkey": payer.pubkey(),
            "to_pubkey": address,
            "lamports": submitter.minimum_balance_for_rent_exemption(space),
            "space": space,
            "owner": LOADER_V3_ID,
        }
    )


def _write_chunk_size(submitter: TransactionSubmitter, payer: Keypair, buffer: Pubkey) -> int:
    empty = _signed(submitter, [write(buffer, payer.pubkey(), 0, b"")], payer, [])
    return PACKET_DATA_SIZE - len(bytes(empty)) - _LENGTH_PREFIX_GROWTH


def _signed(
    submitter: TransactionSubmitter,
    instructions: Sequence[Instruction],
    payer: Keypair,
    extra_signers: Sequence[Keypair],
) -> Transaction:
    transaction = Transaction.new_signed_with_payer(
        instructions, payer.pubkey(), [payer, *extra_signers], submitter.latest_blockhash()
    )
    size = len(bytes(transaction))
    if size > PACKET_DATA_SIZE:
        raise TransactionTooLargeError(
            f"a deploy transaction is {size} bytes, over the {PACKET_DATA_SIZE}-byte packet "
            "limit; this is a bug in the chunk size computation, please report it"
        )
    return transaction
