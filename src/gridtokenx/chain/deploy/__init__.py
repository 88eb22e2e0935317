"""Deploying programs through the BPF Upgradeable Loader, as ``solana program deploy`` does."""

from gridtokenx.chain.deploy.deployer import DeployedProgram, TransactionSubmitter, deploy_program
from gridtokenx.chain.deploy.errors import (
    DeployError,
    DeployTransactionFailedError,
    TransactionTooLargeError,
)
from gridtokenx.chain.deploy.litesvm import LiteSvmSubmitter

__all__ = [
    "DeployError",
    "DeployTransactionFailedError",
    "DeployedProgram",
    "LiteSvmSubmitter",
    "TransactionSubmitter",
    "TransactionTooLargeError",
    "deploy_program",
]
