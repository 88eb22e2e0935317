"""The bootstrapped chain's addresses: one JSON file that every service reads.

``gridtokenx chain bootstrap`` writes it (default ``<state_dir>/chain/addresses.json``);
``load_addresses()`` reads it back typed.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from solders.pubkey import Pubkey

from gridtokenx.chain.client.program_errors import ErrorDecoder, program_decoders
from gridtokenx.chain.trading.builders import MarketKeys
from gridtokenx.config import get_settings
from gridtokenx.errors import GridTokenXError

FORMAT_VERSION = 1


class AddressesFileError(GridTokenXError):
    """The addresses file is missing or unreadable: the chain is not bootstrapped (yet)."""


@dataclass(frozen=True)
class ChainAddresses:
    rpc_url: str
    genesis_hash: str
    """The cluster's genesis hash when it was bootstrapped (a reset chain has another)."""
    local: bool
    """True for the local node (it has a faucet and a local USDC-like quote mint)."""
    registry_program: Pubkey
    trading_program: Pubkey
    registry_config: Pubkey
    mint_authority: Pubkey
    """The Registry's PDA that is the GXT mint's mint authority."""
    gxt_mint: Pubkey
    quote_mint: Pubkey
    market: Pubkey
    energy_vault: Pubkey
    quote_vault: Pubkey
    fee_vault: Pubkey
    operator: Pubkey
    matcher: Pubkey
    fee_bps: int
    faucet: Pubkey | None
    """The local quote mint's mint authority (None on other clusters)."""
    price_feeds: dict[str, Pubkey] = dataclasses.field(default_factory=dict)
    """Local node only: Pyth feed id (hex) → its PriceUpdateV2 account, written by the local
    receiver (gridtokenx.oracle); empty elsewhere and in files written before it existed."""

    def market_keys(self) -> MarketKeys:
        return MarketKeys(
            self.trading_program,
            self.market,
            self.gxt_mint,
            self.quote_mint,
            self.energy_vault,
            self.quote_vault,
            self.fee_vault,
        )

    def error_decoders(self) -> dict[Pubkey, ErrorDecoder]:
        """For ``ChainClient``: Registry and Trading refusals as named exceptions."""
        return program_decoders(self.registry_program, self.trading_program)

    def as_json(self) -> dict[str, object]:
        document: dict[str, object] = {"version": FORMAT_VERSION}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, dict):
                value = {key: str(item) for key, item in value.items()}
            document[field.name] = str(value) if isinstance(value, Pubkey) else value
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> ChainAddresses:
        if document.get("version") != FORMAT_VERSION:
            raise ValueError(f"format version {document.get('version')}, expected 1")
        values: dict[str, object] = {}
        for field in dataclasses.fields(cls):
            if field.name not in document and field.default_factory is not dataclasses.MISSING:
                continue  # added later in format 1: older files simply lack it
            value = document[field.name]
            is_key = field.type in ("Pubkey", "Pubkey | None")
            if field.type == "dict[str, Pubkey]":
                value = {key: Pubkey.from_string(item) for key, item in value.items()}
            values[field.name] = Pubkey.from_string(value) if is_key and value else value
        return cls(**values)  # type: ignore[arg-type]


def default_addresses_file() -> Path:
    return get_settings().chain_addresses_file


def load_addresses(path: Path | None = None) -> ChainAddresses:
    """The addresses bootstrap wrote (default: the settings' ``chain_addresses_file``)."""
    path = path or default_addresses_file()
    try:
        return ChainAddresses.from_json(json.loads(path.read_text()))
    except FileNotFoundError as exc:
        raise AddressesFileError(
            f"no chain addresses at {path}: bootstrap the chain first "
            "(`gridtokenx stack up` for the local node, or `gridtokenx chain bootstrap`)"
        ) from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AddressesFileError(
            f"{path} is not a readable addresses file ({exc}); run `gridtokenx chain bootstrap` "
            "to write it again"
        ) from exc


def save_addresses(path: Path, addresses: ChainAddresses) -> None:
    """Replace the file atomically, so readers never see half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".new")
    with temporary.open("w") as file:
        json.dump(addresses.as_json(), file, indent=2)
        file.write("\n")
        file.flush()
        os.fsync(file.fileno())
    temporary.rename(path)
