"""Base58/base64 codecs and the wire form of transactions, with the size limits real nodes apply."""

from __future__ import annotations

import base64
import binascii

from solders.transaction import VersionedTransaction

from gridtokenx.chain.node.errors import invalid_params

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_DIGIT = {char: value for value, char in enumerate(_ALPHABET)}

PACKET_DATA_SIZE = 1232
"""The largest serialised transaction a Solana node accepts (an IPv6 MTU minus headers), bytes."""
MAX_BASE58_TRANSACTION_CHARS = 1683
MAX_BASE64_TRANSACTION_CHARS = 1644


def b58encode(data: bytes) -> str:
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(_ALPHABET[remainder])
    return "1" * leading_zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    """Decode base58; raises ValueError on a character outside the alphabet."""
    number = 0
    for char in text:
        digit = _DIGIT.get(char)
        if digit is None:
            raise ValueError(f"invalid base58 character {char!r}")
        number = number * 58 + digit
    leading_zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading_zeros + body


def decode_transaction(encoded: object, encoding: str) -> tuple[VersionedTransaction, bytes]:
    """The transaction and its raw bytes, or an invalid-params RpcError saying what is wrong."""
    if not isinstance(encoded, str):
        raise invalid_params("the transaction must be a string")
    if encoding == "base64":
        if len(encoded) > MAX_BASE64_TRANSACTION_CHARS:
            raise invalid_params(
                f"base64 encoded transaction too large: {len(encoded)} characters "
                f"(max: encoded/raw {MAX_BASE64_TRANSACTION_CHARS}/{PACKET_DATA_SIZE})"
            )
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise invalid_params(f"invalid base64 encoding: {exc}") from exc
    elif encoding == "base58":
        if len(encoded) > MAX_BASE58_TRANSACTION_CHARS:
            raise invalid_params(
                f"base58 encoded transaction too large: {len(encoded)} characters "
                f"(max: encoded/raw {MAX_BASE58_TRANSACTION_CHARS}/{PACKET_DATA_SIZE})"
            )
        try:
            raw = b58decode(encoded)
        except ValueError as exc:
            raise invalid_params(f"invalid base58 encoding: {exc}") from exc
    else:
        raise invalid_params(f"unsupported transaction encoding {encoding!r}; use base58 or base64")
    if len(raw) > PACKET_DATA_SIZE:
        raise invalid_params(
            f"transaction too large: {len(raw)} bytes (max: {PACKET_DATA_SIZE} bytes)"
        )
    try:
        transaction = VersionedTransaction.from_bytes(raw)
    except ValueError as exc:
        raise invalid_params(f"failed to deserialize transaction: {exc}") from exc
    return transaction, raw
