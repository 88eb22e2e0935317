"""SPL Token (and Token-2022 base) mint and account layouts, and their ``jsonParsed`` forms."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from solders.pubkey import Pubkey

TOKEN_PROGRAM_ID = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
TOKEN_2022_PROGRAM_ID = Pubkey.from_string("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")
TOKEN_PROGRAM_NAMES = {TOKEN_PROGRAM_ID: "spl-token", TOKEN_2022_PROGRAM_ID: "spl-token-2022"}

MINT_SIZE = 82
ACCOUNT_SIZE = 165
_ACCOUNT_TYPE_OFFSET = 165  # Token-2022 marks extended mints and accounts with a type byte here
_ACCOUNT_TYPE_MINT = 1
_ACCOUNT_TYPE_ACCOUNT = 2
_STATES = ("uninitialized", "initialized", "frozen")


@dataclass(frozen=True)
class TokenMint:
    mint_authority: Pubkey | None
    supply: int
    decimals: int
    is_initialized: bool
    freeze_authority: Pubkey | None


@dataclass(frozen=True)
class TokenAccount:
    mint: Pubkey
    owner: Pubkey
    amount: int
    delegate: Pubkey | None
    state: int
    native_reserve: int | None
    delegated_amount: int
    close_authority: Pubkey | None


def _optional_key(data: bytes, offset: int) -> Pubkey | None:
    (tag,) = struct.unpack_from("<I", data, offset)
    return Pubkey.from_bytes(data[offset + 4 : offset + 36]) if tag == 1 else None


def _account_type(data: bytes) -> int | None:
    return data[_ACCOUNT_TYPE_OFFSET] if len(data) > _ACCOUNT_TYPE_OFFSET else None


def parse_mint(data: bytes) -> TokenMint | None:
    """The mint stored in ``data``, or None when the bytes are not an initialised mint."""
    is_base_mint = len(data) == MINT_SIZE
    if not is_base_mint and _account_type(data) != _ACCOUNT_TYPE_MINT:
        return None
    (supply,) = struct.unpack_from("<Q", data, 36)
    mint = TokenMint(
        mint_authority=_optional_key(data, 0),
        supply=supply,
        decimals=data[44],
        is_initialized=data[45] == 1,
        freeze_authority=_optional_key(data, 46),
    )
    return mint if mint.is_initialized else None


def parse_account(data: bytes) -> TokenAccount | None:
    """The token account stored in ``data``, or None when the bytes are not one."""
    if len(data) != ACCOUNT_SIZE and _account_type(data) != _ACCOUNT_TYPE_ACCOUNT:
        return None
    (amount,) = struct.unpack_from("<Q", data, 64)
    state = data[108]
    if state == 0 or state >= len(_STATES):
        return None
    (native_tag, native_reserve, delegated_amount) = struct.unpack_from("<IQQ", data, 109)
    return TokenAccount(
        mint=Pubkey.from_bytes(data[0:32]),
        owner=Pubkey.from_bytes(data[32:64]),
        amount=amount,
        delegate=_optional_key(data, 72),
        state=state,
        native_reserve=native_reserve if native_tag == 1 else None,
        delegated_amount=delegated_amount,
        close_authority=_optional_key(data, 129),
    )


def ui_token_amount(amount: int, decimals: int) -> dict[str, object]:
    """An amount in base units as RPC nodes show it: exact string plus decimal forms."""
    whole, fraction = divmod(amount, 10**decimals)
    text = str(whole)
    if decimals and fraction:
        text += "." + str(fraction).rjust(decimals, "0").rstrip("0")
    return {
        "amount": str(amount),
        "decimals": decimals,
        "uiAmount": float(text),
        "uiAmountString": text,
    }


def mint_json(mint: TokenMint) -> dict[str, object]:
    return {
        "type": "mint",
        "info": {
            "decimals": mint.decimals,
            "freezeAuthority": str(mint.freeze_authority) if mint.freeze_authority else None,
            "isInitialized": mint.is_initialized,
            "mintAuthority": str(mint.mint_authority) if mint.mint_authority else None,
            "supply": str(mint.supply),
        },
    }


def account_json(account: TokenAccount, decimals: int) -> dict[str, object]:
    info: dict[str, object] = {
        "isNative": account.native_reserve is not None,
        "mint": str(account.mint),
        "owner": str(account.owner),
        "state": _STATES[account.state],
        "tokenAmount": ui_token_amount(account.amount, decimals),
    }
    if account.delegate is not None:
        info["delegate"] = str(account.delegate)
        info["delegatedAmount"] = ui_token_amount(account.delegated_amount, decimals)
    if account.native_reserve is not None:
        info["rentExemptReserve"] = ui_token_amount(account.native_reserve, decimals)
    if account.close_authority is not None:
        info["closeAuthority"] = str(account.close_authority)
    return {"type": "account", "info": info}
