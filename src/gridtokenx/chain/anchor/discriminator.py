"""The 8-byte discriminators Anchor puts in front of instruction data and account data."""

from __future__ import annotations

import hashlib

DISCRIMINATOR_LEN = 8


def instruction_discriminator(instruction_name: str) -> bytes:
    """``sha256("global:<instruction_name>")[:8]``; the name is snake_case, as in the IDL."""
    return hashlib.sha256(f"global:{instruction_name}".encode()).digest()[:DISCRIMINATOR_LEN]


def account_discriminator(account_name: str) -> bytes:
    """``sha256("account:<AccountName>")[:8]``; the name is PascalCase, as in the IDL."""
    return hashlib.sha256(f"account:{account_name}".encode()).digest()[:DISCRIMINATOR_LEN]
