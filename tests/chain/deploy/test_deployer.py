"""Deploying the hello example through the real BPF Upgradeable Loader instructions, then
running it in LiteSVM with the default and the mainnet feature sets."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey
from solders.transaction import Transaction
from solders.transaction_metadata import FailedTransactionMetadata, TransactionMetadata

from gridtokenx.chain.deploy import (
    DeployedProgram,
    DeployTransactionFailedError,
    LiteSvmSubmitter,
    deploy_program,
)
from gridtokenx.chain.deploy.loader_v3 import LOADER_V3_ID, PROGRAMDATA_METADATA_LEN
from gridtokenx.chain.svm import execute
from tests.utils.sbf import build_hello

GREET, WITHDRAW = 0, 1
SOL = 1_000_000_000
SYSTEM_PROGRAM = Pubkey.default()


@pytest.fixture(scope="module")
def hello_so(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return build_hello(tmp_path_factory.mktemp("hello")).read_bytes()


@dataclass
class Deployment:
    svm: LiteSVM
    payer: Keypair
    deployed: DeployedProgram


@pytest.fixture(params=["default features", "mainnet features"])
def deployment(request: pytest.FixtureRequest, hello_so: bytes) -> Deployment:
    svm = LiteSVM() if request.param == "default features" else LiteSVM().with_mainnet_features()
    payer = Keypair()
    svm.airdrop(payer.pubkey(), 10 * SOL)
    deployed = deploy_program(LiteSvmSubmitter(svm), payer, Keypair(), hello_so)
    return Deployment(svm, payer, deployed)


def _send(
    deployment: Deployment, instruction: Instruction, signers: Sequence[Keypair] = ()
) -> TransactionMetadata | FailedTransactionMetadata:
    transaction = Transaction.new_signed_with_payer(
        [instruction],
        deployment.payer.pubkey(),
        [deployment.payer, *signers],
        deployment.svm.latest_blockhash(),
    )
    return execute(deployment.svm, transaction)


def _funded(svm: LiteSVM, lamports: int) -> Pubkey:
    address = Keypair().pubkey()
    svm.airdrop(address, lamports)
    return address


def test_deploy_creates_program_and_programdata(deployment: Deployment, hello_so: bytes) -> None:
    svm, deployed = deployment.svm, deployment.deployed

    program = svm.get_account(deployed.program_id)
    programdata = svm.get_account(deployed.programdata)

    assert program is not None
    assert programdata is not None
    assert program.executable
    assert program.owner == LOADER_V3_ID
    assert program.data == struct.pack("<I", 2) + bytes(deployed.programdata)
    assert programdata.owner == LOADER_V3_ID
    assert programdata.data[PROGRAMDATA_METADATA_LEN:] == hello_so
    # The program needed several Write transactions, each filling one packet.
    assert deployed.write_transactions == -(-len(hello_so) // deployed.chunk_size) > 1


def test_greet_logs_and_reads_an_account(deployment: Deployment) -> None:
    described = _funded(deployment.svm, 2 * SOL)
    instruction = Instruction(
        deployment.deployed.program_id,
        bytes([GREET]),
        [
            AccountMeta(deployment.payer.pubkey(), is_signer=True, is_writable=True),
            AccountMeta(described, is_signer=False, is_writable=False),
        ],
    )

    result = _send(deployment, instruction)

    assert isinstance(result, TransactionMetadata), result
    program = deployment.deployed.program_id
    assert result.logs()[1:4] == [
        "Program log: Hello, GridTokenX",
        f"Program log: {deployment.payer.pubkey()}",
        f"Program log: {2 * SOL:#x}, 0x0, 0x0, 0x0, 0x2",
    ]
    consumed = [line for line in result.logs() if line.startswith(f"Program {program} consumed")]
    units = int(consumed[0].split()[3])
    assert units == result.compute_units_consumed()
    assert 150 < units < 1_000


def test_greet_without_signature_is_refused(deployment: Deployment) -> None:
    instruction = Instruction(
        deployment.deployed.program_id,
        bytes([GREET]),
        [
            AccountMeta(Keypair().pubkey(), is_signer=False, is_writable=False),
            AccountMeta(deployment.payer.pubkey(), is_signer=False, is_writable=False),
        ],
    )

    result = _send(deployment, instruction)

    assert isinstance(result, FailedTransactionMetadata)
    assert "MissingRequiredSignature" in str(result.err())
    assert "Program log: Hello, GridTokenX" not in result.meta().logs()


def _withdraw(
    deployment: Deployment,
    authority: Keypair,
    vault: Pubkey,
    bump: int,
    recipient: Pubkey,
    lamports: int,
    system_program: Pubkey = SYSTEM_PROGRAM,
) -> TransactionMetadata | FailedTransactionMetadata:
    instruction = Instruction(
        deployment.deployed.program_id,
        struct.pack("<BBQ", WITHDRAW, bump, lamports),
        [
            AccountMeta(authority.pubkey(), is_signer=True, is_writable=False),
            AccountMeta(vault, is_signer=False, is_writable=True),
            AccountMeta(recipient, is_signer=False, is_writable=True),
            AccountMeta(system_program, is_signer=False, is_writable=False),
        ],
    )
    return _send(deployment, instruction, [authority])


def _vault(deployment: Deployment, authority: Keypair) -> tuple[Pubkey, int]:
    vault, bump = Pubkey.find_program_address(
        [b"vault", bytes(authority.pubkey())], deployment.deployed.program_id
    )
    deployment.svm.airdrop(vault, 3 * SOL)
    return vault, bump


def test_withdraw_moves_lamports_by_a_pda_signed_cpi(deployment: Deployment) -> None:
    svm = deployment.svm
    authority = Keypair()
    vault, bump = _vault(deployment, authority)
    recipient = _funded(svm, SOL)

    result = _withdraw(deployment, authority, vault, bump, recipient, SOL // 2)

    assert isinstance(result, TransactionMetadata), result
    assert "Program log: vault withdrawal done" in result.logs()
    assert svm.get_balance(vault) == 3 * SOL - SOL // 2
    assert svm.get_balance(recipient) == SOL + SOL // 2
    assert 1_000 < result.compute_units_consumed() < 5_000


def test_withdraw_from_someone_elses_vault_is_refused(deployment: Deployment) -> None:
    svm = deployment.svm
    owner, thief = Keypair(), Keypair()
    vault, bump = _vault(deployment, owner)
    recipient = _funded(svm, SOL)

    result = _withdraw(deployment, thief, vault, bump, recipient, SOL)

    assert isinstance(result, FailedTransactionMetadata)
    assert "Custom(2)" in str(result.err())  # HELLO_ERROR_WRONG_VAULT
    assert svm.get_balance(vault) == 3 * SOL
    assert svm.get_balance(recipient) == SOL


def test_withdraw_through_a_fake_system_program_is_refused(deployment: Deployment) -> None:
    authority = Keypair()
    vault, bump = _vault(deployment, authority)
    recipient = _funded(deployment.svm, SOL)

    result = _withdraw(
        deployment,
        authority,
        vault,
        bump,
        recipient,
        SOL,
        system_program=deployment.deployed.program_id,
    )

    assert isinstance(result, FailedTransactionMetadata)
    assert "Custom(3)" in str(result.err())  # HELLO_ERROR_WRONG_SYSTEM_PROGRAM
    assert deployment.svm.get_balance(vault) == 3 * SOL


def test_loader_refuses_a_file_that_is_not_a_program(hello_so: bytes) -> None:
    svm = LiteSVM()
    payer = Keypair()
    svm.airdrop(payer.pubkey(), 10 * SOL)
    broken = hello_so[:64] + bytes(len(hello_so) - 64)  # headers kept, sections zeroed

    with pytest.raises(DeployTransactionFailedError, match="could not deploy the program"):
        deploy_program(LiteSvmSubmitter(svm), payer, Keypair(), broken)
