"""Accounts in the JSON forms RPC clients ask for: base58, base64 or ``jsonParsed`` (SPL Token)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from solders.account import Account
from solders.pubkey import Pubkey

from gridtokenx.chain.node.codec import b58encode
from gridtokenx.chain.node.errors import invalid_params
from gridtokenx.chain.node.token_layout import (
    TOKEN_PROGRAM_NAMES,
    account_json,
    mint_json,
    parse_account,
    parse_mint,
)

MintDecimals = Callable[[Pubkey], int | None]
"""Looks up a mint's decimals (jsonParsed token accounts show amounts in the mint's units)."""

_ENCODINGS = ("binary", "base58", "base64", "jsonParsed")
_MAX_BASE58_DATA_BYTES = 128  # real nodes refuse base58 for larger accounts: it is quadratic


@dataclass(frozen=True)
class AccountEncoding:
    encoding: str = "binary"
    slice_offset: int = 0
    slice_length: int | None = None

    @staticmethod
    def from_config(config: Mapping[str, object], default: str = "binary") -> AccountEncoding:
        encoding = config.get("encoding") or default
        if encoding not in _ENCODINGS:
            raise invalid_params(f"unsupported account encoding {encoding!r}")
        data_slice = config.get("dataSlice")
        if data_slice is None:
            return AccountEncoding(str(encoding))
        if not isinstance(data_slice, dict):
            raise invalid_params("dataSlice must be an object with offset and length")
        offset, length = data_slice.get("offset"), data_slice.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length < 0:
            raise invalid_params("dataSlice offset and length must be non-negative integers")
        return AccountEncoding(str(encoding), offset, length)

    def _sliced(self, data: bytes) -> bytes:
        if self.slice_length is None:
            return data
        return data[self.slice_offset : self.slice_offset + self.slice_length]

    def encode_data(self, account: Account, mint_decimals: MintDecimals) -> object:
        data = account.data
        if self.encoding == "jsonParsed" and self.slice_length is None:
            parsed = parse_token_data(account.owner, data, mint_decimals)
            if parsed is not None:
                return parsed
        sliced = self._sliced(data)
        if self.encoding == "binary":
            return b58encode(sliced)
        if self.encoding == "base58":
            if len(sliced) > _MAX_BASE58_DATA_BYTES:
                raise invalid_params(
                    f"encoded binary (base 58) data should be less than "
                    f"{_MAX_BASE58_DATA_BYTES} bytes, please use Base64 encoding."
                )
            return [b58encode(sliced), "base58"]
        return [base64.b64encode(sliced).decode(), "base64"]

    def encode(self, account: Account, mint_decimals: MintDecimals) -> dict[str, object]:
        return {
            "lamports": account.lamports,
            "data": self.encode_data(account, mint_decimals),
            "owner": str(account.owner),
            "executable": account.executable,
            "rentEpoch": account.rent_epoch,
            "space": len(account.data),
        }


def parse_token_data(
    owner: Pubkey, data: bytes, mint_decimals: MintDecimals
) -> dict[str, object] | None:
    """The ``jsonParsed`` data of a token mint or token account, or None for anything else."""
    program = TOKEN_PROGRAM_NAMES.get(owner)
    if program is None:
        return None
    mint = parse_mint(data)
    if mint is not None:
        return {"program": program, "parsed": mint_json(mint), "space": len(data)}
    token_account = parse_account(data)
    if token_account is None:
        return None
    decimals = mint_decimals(token_account.mint)
    if decimals is None:
        return None
    return {
        "program": program,
        "parsed": account_json(token_account, decimals),
        "space": len(data),
    }
