"""Keypair files in the Solana CLI's format (a JSON array of the 64 secret-key bytes), mode 0600."""

from __future__ import annotations

import json
import os
from pathlib import Path

from solders.keypair import Keypair

from gridtokenx.errors import GridTokenXError

OPERATOR_KEY = "operator"
MATCHER_KEY = "matcher"
FAUCET_KEY = "faucet"
QUOTE_MINT_KEY = "usdc-mint"
"""The local USDC-like mint's keypair: a file keeps its address stable across bootstraps."""


class KeypairFileError(GridTokenXError):
    """A keypair file is missing, unreadable or not a 64-byte Solana keypair."""


def read_keypair(path: Path) -> Keypair:
    try:
        secret = json.loads(path.read_text())
        return Keypair.from_bytes(bytes(secret))
    except FileNotFoundError as exc:
        raise KeypairFileError(
            f"no keypair file at {path}; create one with `solana-keygen new -o {path}`"
        ) from exc
    except (OSError, ValueError, TypeError) as exc:
        raise KeypairFileError(
            f"{path} is not a Solana keypair file (a JSON array of 64 bytes): {exc}"
        ) from exc


def write_keypair(path: Path, keypair: Keypair) -> None:
    """Write atomically, readable by this user only (it is a secret key)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_suffix(".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(list(bytes(keypair)), file)
        file.flush()
        os.fsync(file.fileno())
    temporary.rename(path)


def load_or_create_keypair(path: Path) -> Keypair:
    """The keypair in ``path``; a new one written there (0600) if the file does not exist."""
    if path.exists():
        return read_keypair(path)
    keypair = Keypair()
    write_keypair(path, keypair)
    return keypair


def local_keypair(keys_dir: Path, name: str) -> Keypair:
    """One of the local chain's named keypairs (``operator``, ``matcher``, ``faucet`` ...)."""
    return load_or_create_keypair(keys_dir / f"{name}.json")
