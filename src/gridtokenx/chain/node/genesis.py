"""The chain's genesis: created once per state directory, read on every start."""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from solders.hash import Hash
from solders.keypair import Keypair

from gridtokenx.chain.node.errors import ChainStateError

GENESIS_VERSION = 1
FAUCET_LAMPORTS = 500_000_000 * 1_000_000_000
"""The faucet's balance at genesis (500 million SOL), in lamports."""


@dataclass(frozen=True)
class Genesis:
    unix_ms: int
    slot_ms: int
    faucet: Keypair
    hash: Hash

    def as_json(self) -> dict[str, object]:
        return {
            "version": GENESIS_VERSION,
            "unix_ms": self.unix_ms,
            "slot_ms": self.slot_ms,
            "faucet_keypair": list(bytes(self.faucet)),
        }


def _hash_of(document: dict[str, object]) -> Hash:
    return Hash(hashlib.sha256(json.dumps(document, sort_keys=True).encode()).digest())


def load_or_create_genesis(path: Path, slot_ms: int) -> Genesis:
    """Read the genesis at ``path``; create it (with ``slot_ms``) if the chain is new.

    ``slot_ms`` applies only to a new chain: an existing chain keeps its slot length so that
    slot numbers keep increasing across restarts.
    """
    if path.exists():
        try:
            document = json.loads(path.read_text())
            if document["version"] != GENESIS_VERSION:
                raise ChainStateError(
                    f"{path} has genesis version {document['version']}, this node reads "
                    f"{GENESIS_VERSION}; move the chain state directory away to start afresh"
                )
            return Genesis(
                unix_ms=int(document["unix_ms"]),
                slot_ms=int(document["slot_ms"]),
                faucet=Keypair.from_bytes(bytes(document["faucet_keypair"])),
                hash=_hash_of(document),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ChainStateError(
                f"{path} is not a readable genesis file ({exc}); "
                "move the chain state directory away to start afresh"
            ) from exc
    faucet = Keypair()
    genesis = Genesis(int(time.time() * 1000), slot_ms, faucet, Hash.default())
    document = genesis.as_json()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".new")
    with temporary.open("w") as file:
        json.dump(document, file)
        file.flush()
        os.fsync(file.fileno())
    os.chmod(temporary, 0o600)  # it holds the faucet's secret key
    temporary.rename(path)
    return Genesis(genesis.unix_ms, slot_ms, faucet, _hash_of(document))
