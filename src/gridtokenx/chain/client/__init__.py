"""The chain service layer: async JSON-RPC, PubSub confirmations and safe transaction sending."""

from gridtokenx.chain.client.client import ChainClient
from gridtokenx.chain.client.errors import (
    BlockhashExpiredError,
    ChainClientError,
    ChainRpcError,
    ChainTransportError,
    ConfirmationTimeoutError,
    PreflightFailedError,
    TransactionFailedError,
)
from gridtokenx.chain.client.metrics import SendCounters, SendMetrics
from gridtokenx.chain.client.program_errors import decode_registry_error, program_decoders
from gridtokenx.chain.client.rpc import (
    AccountInfo,
    DataSizeFilter,
    LatestBlockhash,
    MemcmpFilter,
    SignatureStatus,
    SolanaRpc,
)
from gridtokenx.chain.client.sender import Confirmation, SendPolicy

__all__ = [
    "AccountInfo",
    "BlockhashExpiredError",
    "ChainClient",
    "ChainClientError",
    "ChainRpcError",
    "ChainTransportError",
    "Confirmation",
    "ConfirmationTimeoutError",
    "DataSizeFilter",
    "LatestBlockhash",
    "MemcmpFilter",
    "PreflightFailedError",
    "SendCounters",
    "SendMetrics",
    "SendPolicy",
    "SignatureStatus",
    "SolanaRpc",
    "TransactionFailedError",
    "decode_registry_error",
    "program_decoders",
]
