"""What the LiteSVM program harnesses share: an operator that pays, sending with expectations,
funded wallets, token balances and account snapshots."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey
from solders.transaction_metadata import FailedTransactionMetadata, TransactionMetadata

from gridtokenx.chain.anchor.program_errors import failed_custom_code
from gridtokenx.chain.svm import send_instructions

REPO_ROOT = Path(__file__).resolve().parents[2]
SOL = 1_000_000_000
MINT_LEN = 82
_TOKEN_AMOUNT = slice(64, 72)
_MINT_SUPPLY = slice(36, 44)

Result = TransactionMetadata | FailedTransactionMetadata
Snapshot = list[tuple[int, bytes] | None]


def build_program(name: str) -> bytes:
    """The program as `make programs` builds it (up to date after this call)."""
    subprocess.run(["make", "-s", "programs"], cwd=REPO_ROOT, check=True, capture_output=True)
    return (REPO_ROOT / "build" / "programs" / f"{name}.so").read_bytes()


def error_code(result: Result) -> int | None:
    """The custom program error a failed transaction ended with (None if it succeeded)."""
    if isinstance(result, TransactionMetadata):
        return None
    failed = failed_custom_code(result.err())
    assert failed is not None, f"not a program error: {result.err()} {result.meta().logs()}"
    return failed[1]


@dataclass
class OperatedSvm:
    """LiteSVM with an operator that pays every transaction unless told otherwise."""

    svm: LiteSVM
    operator: Keypair

    def send(
        self,
        instructions: Sequence[Instruction],
        signers: Sequence[Keypair] = (),
        payer: Keypair | None = None,
    ) -> Result:
        """Send with the operator paying, or ``payer`` (then the operator signs nothing)."""
        return send_instructions(self.svm, instructions, payer or self.operator, signers)

    def expect_ok(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair] = ()
    ) -> TransactionMetadata:
        result = self.send(instructions, signers)
        assert isinstance(result, TransactionMetadata), (result.err(), result.meta().logs())
        return result

    def expect_error(
        self,
        code: IntEnum,
        instructions: Sequence[Instruction],
        signers: Sequence[Keypair] = (),
        payer: Keypair | None = None,
    ) -> None:
        result = self.send(instructions, signers, payer)
        assert isinstance(result, FailedTransactionMetadata), "the transaction succeeded"
        assert error_code(result) == code, (result.err(), result.meta().logs())

    def funded(self) -> Keypair:
        wallet = Keypair()
        self.svm.airdrop(wallet.pubkey(), 10 * SOL)
        return wallet

    def balance(self, token_account: Pubkey) -> int:
        account = self.svm.get_account(token_account)
        assert account is not None
        return int.from_bytes(bytes(account.data)[_TOKEN_AMOUNT], "little")

    def mint_supply(self, mint: Pubkey) -> int:
        account = self.svm.get_account(mint)
        assert account is not None
        return int.from_bytes(bytes(account.data)[_MINT_SUPPLY], "little")

    def snapshot(self, addresses: Sequence[Pubkey]) -> Snapshot:
        """Lamports and data of each account, to prove a failed instruction changed nothing."""
        accounts = [self.svm.get_account(address) for address in addresses]
        return [None if a is None else (a.lamports, bytes(a.data)) for a in accounts]
