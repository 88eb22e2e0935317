"""The few SPL Token and Associated Token Account instructions the platform sends, from their
wire format (tag byte + little-endian fields), and token layouts re-exported for readers."""

from __future__ import annotations

import struct

from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM_ID
from solders.system_program import CreateAccountParams, create_account
from solders.token.associated import get_associated_token_address

from gridtokenx.chain.node.token_layout import (
    ACCOUNT_SIZE,
    MINT_SIZE,
    TOKEN_PROGRAM_ID,
    TokenAccount,
    TokenMint,
    parse_account,
    parse_mint,
)

ASSOCIATED_TOKEN_PROGRAM_ID = Pubkey.from_string("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")
_MINT_TO_CHECKED = 14
_INITIALIZE_MINT2 = 20
_ATA_CREATE_IDEMPOTENT = 1

__all__ = [
    "ACCOUNT_SIZE",
    "ASSOCIATED_TOKEN_PROGRAM_ID",
    "MINT_SIZE",
    "TOKEN_PROGRAM_ID",
    "TokenAccount",
    "TokenMint",
    "associated_token_address",
    "create_associated_token_account_idempotent",
    "create_mint_instructions",
    "mint_to_checked",
    "parse_account",
    "parse_mint",
]


def associated_token_address(wallet: Pubkey, mint: Pubkey) -> Pubkey:
    return get_associated_token_address(wallet, mint, TOKEN_PROGRAM_ID)


def create_mint_instructions(
    payer: Pubkey,
    mint: Pubkey,
    rent_lamports: int,
    decimals: int,
    mint_authority: Pubkey,
    freeze_authority: Pubkey | None = None,
) -> list[Instruction]:
    """System CreateAccount (the mint keypair signs) and Token InitializeMint2."""
    freeze = b"\x00" if freeze_authority is None else b"\x01" + bytes(freeze_authority)
    data = struct.pack("<BB", _INITIALIZE_MINT2, decimals) + bytes(mint_authority) + freeze
    return [
        create_account(
            CreateAccountParams(
                from_pubkey=payer,
                to_pubkey=mint,
                lamports=rent_lamports,
                space=MINT_SIZE,
                owner=TOKEN_PROGRAM_ID,
            )
        ),
        Instruction(TOKEN_PROGRAM_ID, data, [AccountMeta(mint, False, True)]),
    ]


def mint_to_checked(
    mint: Pubkey, destination: Pubkey, authority: Pubkey, amount: int, decimals: int
) -> Instruction:
    return Instruction(
        TOKEN_PROGRAM_ID,
        struct.pack("<BQB", _MINT_TO_CHECKED, amount, decimals),
        [
            AccountMeta(mint, False, True),
            AccountMeta(destination, False, True),
            AccountMeta(authority, True, False),
        ],
    )


def create_associated_token_account_idempotent(
    payer: Pubkey, wallet: Pubkey, mint: Pubkey
) -> Instruction:
    """Create ``wallet``'s associated token account of ``mint``; a no-op if it exists."""
    return Instruction(
        ASSOCIATED_TOKEN_PROGRAM_ID,
        bytes([_ATA_CREATE_IDEMPOTENT]),
        [
            AccountMeta(payer, True, True),
            AccountMeta(associated_token_address(wallet, mint), False, True),
            AccountMeta(wallet, False, False),
            AccountMeta(mint, False, False),
            AccountMeta(SYSTEM_PROGRAM_ID, False, False),
            AccountMeta(TOKEN_PROGRAM_ID, False, False),
        ],
    )
