from __future__ import annotations

import struct

from solders.account import Account
from solders.pubkey import Pubkey

from gridtokenx.chain.node.accounts import AccountEncoding, parse_token_data
from gridtokenx.chain.node.codec import b58encode
from gridtokenx.chain.node.token_layout import (
    TOKEN_2022_PROGRAM_ID,
    TOKEN_PROGRAM_ID,
    parse_account,
    parse_mint,
    ui_token_amount,
)

MINT = Pubkey.new_unique()
OWNER = Pubkey.new_unique()
AUTHORITY = Pubkey.new_unique()


def _mint_bytes(supply: int, decimals: int) -> bytes:
    return (
        struct.pack("<I", 1)
        + bytes(AUTHORITY)
        + struct.pack("<QB?", supply, decimals, True)
        + struct.pack("<I", 0)
        + bytes(32)
    )


def _account_bytes(amount: int) -> bytes:
    return (
        bytes(MINT)
        + bytes(OWNER)
        + struct.pack("<Q", amount)
        + struct.pack("<I", 0)
        + bytes(32)
        + bytes([1])
        + struct.pack("<IQQ", 0, 0, 0)
        + struct.pack("<I", 0)
        + bytes(32)
    )


def test_mint_and_account_layouts_parse() -> None:
    mint = parse_mint(_mint_bytes(1_000_000, 6))
    assert mint is not None
    assert (mint.supply, mint.decimals, mint.mint_authority, mint.freeze_authority) == (
        1_000_000,
        6,
        AUTHORITY,
        None,
    )
    account = parse_account(_account_bytes(250_000))
    assert account is not None
    assert (account.mint, account.owner, account.amount, account.delegate) == (
        MINT,
        OWNER,
        250_000,
        None,
    )
    assert parse_mint(_account_bytes(1)) is None
    assert parse_account(_mint_bytes(1, 0)) is None
    assert parse_account(bytes(165)) is None  # uninitialised


def test_token_2022_extended_layouts_are_recognised_by_their_type_byte() -> None:
    extended_mint = _mint_bytes(5, 2).ljust(165, b"\0") + bytes([1]) + bytes(10)
    assert parse_mint(extended_mint) is not None
    extended_account = _account_bytes(7) + bytes([2]) + bytes(10)
    assert parse_account(extended_account) is not None


def test_ui_amounts_are_exact_strings() -> None:
    assert ui_token_amount(250_000, 6) == {
        "amount": "250000",
        "decimals": 6,
        "uiAmount": 0.25,
        "uiAmountString": "0.25",
    }
    assert ui_token_amount(0, 6)["uiAmountString"] == "0"
    assert ui_token_amount(12, 0)["uiAmountString"] == "12"
    assert ui_token_amount(1_000_001, 6)["uiAmountString"] == "1.000001"


def test_json_parsed_token_accounts_use_the_mint_decimals() -> None:
    parsed = parse_token_data(TOKEN_PROGRAM_ID, _account_bytes(250_000), lambda mint: 6)
    assert parsed is not None
    assert parsed["program"] == "spl-token"
    info = parsed["parsed"]["info"]  # type: ignore[index]
    assert info["tokenAmount"]["uiAmountString"] == "0.25"
    assert info["owner"] == str(OWNER)
    assert parse_token_data(TOKEN_2022_PROGRAM_ID, _mint_bytes(1, 0), lambda mint: None) is not None
    assert parse_token_data(Pubkey.default(), _account_bytes(1), lambda mint: 6) is None


def test_encodings_and_data_slices() -> None:
    account = Account(1_000, bytes(range(10)), Pubkey.default(), False, 0)
    sliced = AccountEncoding.from_config(
        {"encoding": "base64", "dataSlice": {"offset": 2, "length": 3}}
    ).encode(account, lambda mint: None)
    assert sliced["data"] == ["AgME", "base64"]
    assert sliced["space"] == 10
    parsed_fallback = AccountEncoding.from_config({"encoding": "jsonParsed"}).encode(
        account, lambda mint: None
    )
    assert parsed_fallback["data"] == ["AAECAwQFBgcICQ==", "base64"]
    assert AccountEncoding().encode(account, lambda mint: None)["data"] == b58encode(
        bytes(range(10))
    )
