"""Telling the local node apart from every other cluster.

The local node's genesis hash is the SHA-256 of its ``genesis.json`` (random faucet key, creation
time), so a node reports this machine's hash only if it runs on the chain state in
``chain_state_dir``. A URL says nothing: a tunnel or a proxy can put devnet on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

from solders.hash import Hash

from gridtokenx.chain.client.rpc import SolanaRpc
from gridtokenx.chain.node.genesis import load_or_create_genesis
from gridtokenx.errors import GridTokenXError

GENESIS_FILE = "genesis.json"


class NotLocalNodeError(GridTokenXError):
    """An operation only meant for the local node was pointed at another cluster."""


def local_genesis_hash(chain_state_dir: Path) -> Hash | None:
    """The genesis hash of the local chain in ``chain_state_dir``; None if it has none yet."""
    path = chain_state_dir / GENESIS_FILE
    if not path.exists():
        return None
    # The slot length only applies to a new chain; an existing genesis is read as it is.
    return load_or_create_genesis(path, slot_ms=1).hash


async def is_local_node(rpc: SolanaRpc, chain_state_dir: Path) -> bool:
    expected = local_genesis_hash(chain_state_dir)
    return expected is not None and await rpc.get_genesis_hash() == expected


async def require_local_node(rpc: SolanaRpc, chain_state_dir: Path, action: str) -> Hash:
    """The node's genesis hash, or NotLocalNodeError if ``rpc`` is not the local node."""
    expected = local_genesis_hash(chain_state_dir)
    reported = await rpc.get_genesis_hash()
    if expected is None or reported != expected:
        raise NotLocalNodeError(
            f"refusing to {action}: {rpc.url} reports genesis {reported}, but the local chain "
            f"in {chain_state_dir} has "
            f"{expected if expected is not None else 'no genesis.json'}; this only runs against "
            "the local node (`gridtokenx stack up chain-node`)"
        )
    return reported
