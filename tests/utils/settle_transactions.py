"""Reading a Trading ``settle`` transaction as ``getTransaction`` (base64) returns it: its
fills and the token balance change of one account."""

from __future__ import annotations

import base64
import struct
from typing import Any

from solders.pubkey import Pubkey
from solders.transaction import VersionedTransaction

_FIXED_SETTLE_ACCOUNTS = 6
_FILLS_OFFSET = 12
_FILL_LEN = 16

Fill = tuple[str, str, int, int]
"""(buy order, sell order, quantity, price) of one fill."""

GET_TRANSACTION_CONFIG = {
    "encoding": "base64",
    "maxSupportedTransactionVersion": 0,
    "commitment": "confirmed",
}


def _account_keys(transaction: dict[str, Any]) -> tuple[VersionedTransaction, list[str]]:
    raw, _ = transaction["transaction"]
    decoded = VersionedTransaction.from_bytes(base64.b64decode(raw))
    return decoded, [str(key) for key in decoded.message.account_keys]


def settle_fills(transaction: dict[str, Any], program: Pubkey) -> list[Fill]:
    """The fills of the transaction's Trading ``settle`` instruction."""
    decoded, keys = _account_keys(transaction)
    fills: list[Fill] = []
    for instruction in decoded.message.instructions:
        if keys[instruction.program_id_index] != str(program):
            continue
        data = bytes(instruction.data)
        (count,) = struct.unpack_from("<I", data, 8)
        if len(data) != _FILLS_OFFSET + count * _FILL_LEN:
            continue  # not a settle
        accounts = list(instruction.accounts)
        for index in range(count):
            quantity, price = struct.unpack_from("<QQ", data, _FILLS_OFFSET + index * _FILL_LEN)
            buy = keys[accounts[_FIXED_SETTLE_ACCOUNTS + 2 * index]]
            sell = keys[accounts[_FIXED_SETTLE_ACCOUNTS + 2 * index + 1]]
            fills.append((buy, sell, quantity, price))
    return fills


def token_delta(transaction: dict[str, Any], account: Pubkey) -> int:
    """How much ``account``'s token balance changed in the transaction (0 if untouched)."""
    meta = transaction["meta"]
    _, keys = _account_keys(transaction)
    index = keys.index(str(account))

    def balance(entries: list[dict[str, Any]]) -> int:
        found = [e for e in entries if e["accountIndex"] == index]
        return int(found[0]["uiTokenAmount"]["amount"]) if found else 0

    return balance(meta["postTokenBalances"]) - balance(meta["preTokenBalances"])
