"""Compiling C for tests with the same pinned flags as programs/programs.mk."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey
from solders.transaction import Transaction
from solders.transaction_metadata import FailedTransactionMetadata, TransactionMetadata

from gridtokenx.chain.svm import execute
from gridtokenx.sbf import link_files

REPO_ROOT = Path(__file__).resolve().parents[2]
SDK_DIR = REPO_ROOT / "programs" / "sdk"
HELLO_DIR = REPO_ROOT / "programs" / "examples" / "hello"
PROGRAMS_MK = REPO_ROOT / "programs" / "programs.mk"
TEST_PROGRAMS = REPO_ROOT / "tests" / "sbf" / "programs"
SBF_CFLAGS = [
    "-target",
    "bpf",
    "-mcpu=v2",
    "-O2",
    "-ffreestanding",
    "-fno-builtin",
    "-Wall",
    "-Werror",
    "-I",
    "programs/sdk",
]


def compile_c(source: str, directory: Path, name: str, extra_flags: Sequence[str] = ()) -> Path:
    """Compile C ``source`` to ``directory/name.o`` with the pinned flags (plus ``extra_flags``)."""
    source_path = directory / f"{name}.c"
    source_path.write_text(source)
    return compile_file(source_path, directory / f"{name}.o", extra_flags)


def compile_file(source: Path, output: Path, extra_flags: Sequence[str] = ()) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["clang-16", *SBF_CFLAGS, *extra_flags, "-c", str(source), "-o", str(output)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"clang-16 failed on {source}:\n{result.stderr}"
    return output


def compile_relocation_test(directory: Path) -> list[Path]:
    """The two objects of tests/sbf/programs/relocations_*.c: together, every relocation kind."""
    return [
        compile_file(
            TEST_PROGRAMS / "relocations_main.c", directory / "main.o", ["-ffunction-sections"]
        ),
        compile_file(TEST_PROGRAMS / "relocations_other.c", directory / "other.o"),
    ]


def build_hello(directory: Path) -> Path:
    """Compile and link programs/examples/hello into ``directory/hello.so``."""
    sources = sorted((HELLO_DIR / "src").rglob("*.c"))
    objects = [
        compile_file(source, directory / source.relative_to(HELLO_DIR).with_suffix(".o"))
        for source in sources
    ]
    output = directory / "hello.so"
    link_files(objects, output)
    return output


def run_instruction(
    svm: LiteSVM, program_id: Pubkey, data: bytes, accounts: Sequence[AccountMeta] = ()
) -> TransactionMetadata | FailedTransactionMetadata:
    """Send one instruction to ``program_id`` from a fresh, funded fee payer."""
    payer = Keypair()
    svm.airdrop(payer.pubkey(), 1_000_000_000)
    instruction = Instruction(program_id, data, list(accounts))
    transaction = Transaction.new_signed_with_payer(
        [instruction], payer.pubkey(), [payer], svm.latest_blockhash()
    )
    return execute(svm, transaction)


def succeeded(result: TransactionMetadata | FailedTransactionMetadata) -> TransactionMetadata:
    """The metadata of a transaction that must have succeeded (its logs otherwise)."""
    assert isinstance(result, TransactionMetadata), f"{result.err()}: {result.meta().logs()}"
    return result
