"""Deploying programs through the BPF Upgradeable Loader, as ``solana program deploy`` does."""

from gridtokenx.chain.deploy.deployer import DeployedProgram, TransactionSubmitter, deploy_program
from gridtokenx.chain.deploy.errors import (
    DeployError,
    DeployTransactionFailedError,
    TransactionTooLargeError,
)
from gridtokenx.chain.deploy.litesvm import LiteSvmSubmitter
from gridtokenx.chain.deploy.rpc import RpcSubmitter, deploy_program_over_rpc

__all__ = [
    "DeployError",
    "DeployTransactionFailedError",
    "DeployedProgram",
    "LiteSvmSubmitter",
    "RpcSubmitter",
    "TransactionSubmitter",
    "TransactionTooLargeError",
    "deploy_program",
    "deploy_program_over_rpc",
]
