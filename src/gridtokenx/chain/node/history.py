"""Landed transactions in the JSON shapes of ``getTransaction`` and ``getSignatureStatuses``."""

from __future__ import annotations

import base64

from solders.message import Message, MessageV0, MessageV1
from solders.transaction import Legacy

from gridtokenx.chain.node.codec import b58encode
from gridtokenx.chain.node.errors import RpcError, invalid_params
from gridtokenx.chain.node.ledger import TransactionRecord
from gridtokenx.chain.node.outcomes import (
    inner_instructions_json,
    return_data_json,
    success_meta,
)
from gridtokenx.chain.node.slots import SlotClock

UNSUPPORTED_TRANSACTION_VERSION = -32015
_TRANSACTION_ENCODINGS = ("json", "base58", "base64")


def status_json(record: TransactionRecord, current_slot: int) -> dict[str, object]:
    """A signature status: "processed" until the log is fsynced, then "finalized".

    A single node with a durable log has no forks, so a durable transaction cannot roll back.
    """
    return {
        "slot": record.slot,
        "confirmations": None if record.durable else max(0, current_slot - record.slot),
        "err": record.err,
        "status": {"Ok": None} if record.err is None else {"Err": record.err},
        "confirmationStatus": "finalized" if record.durable else "processed",
    }


def _message_json(message: Message | MessageV0 | MessageV1) -> dict[str, object]:
    header = message.header
    document: dict[str, object] = {
        "accountKeys": [str(key) for key in message.account_keys],
        "header": {
            "numRequiredSignatures": header.num_required_signatures,
            "numReadonlySignedAccounts": header.num_readonly_signed_accounts,
            "numReadonlyUnsignedAccounts": header.num_readonly_unsigned_accounts,
        },
        "recentBlockhash": str(message.recent_blockhash),
        "instructions": [
            {
                "programIdIndex": instruction.program_id_index,
                "accounts": list(instruction.accounts),
                "data": b58encode(instruction.data),
                "stackHeight": None,
            }
            for instruction in message.instructions
        ],
    }
    if isinstance(message, MessageV0):
        document["addressTableLookups"] = [
            {
                "accountKey": str(lookup.account_key),
                "writableIndexes": list(lookup.writable_indexes),
                "readonlyIndexes": list(lookup.readonly_indexes),
            }
            for lookup in message.address_table_lookups
        ]
    return document


def _meta_json(record: TransactionRecord) -> dict[str, object]:
    meta = success_meta(record.outcome)
    document: dict[str, object] = {
        "err": record.err,
        "status": {"Ok": None} if record.err is None else {"Err": record.err},
        "fee": meta.fee(),
        "preBalances": record.pre_balances,
        "postBalances": record.post_balances,
        "innerInstructions": inner_instructions_json(meta),
        "logMessages": meta.logs(),
        "preTokenBalances": record.pre_token_balances,
        "postTokenBalances": record.post_token_balances,
        "rewards": [],
        "loadedAddresses": {"writable": [], "readonly": []},
        "computeUnitsConsumed": meta.compute_units_consumed(),
    }
    return_data = return_data_json(meta)
    if return_data is not None:
        document["returnData"] = return_data
    return document


def transaction_json(
    record: TransactionRecord, config: dict[str, object], clock: SlotClock
) -> dict[str, object]:
    """The ``getTransaction`` result for ``record`` in the encoding ``config`` asks for."""
    encoding = config.get("encoding") or "json"
    if encoding not in _TRANSACTION_ENCODINGS:
        raise invalid_params(f"unsupported transaction encoding {encoding!r}")
    max_version = config.get("maxSupportedTransactionVersion")
    version = record.transaction.version()
    is_legacy = version == Legacy.Legacy
    if not is_legacy and (not isinstance(max_version, int) or max_version < int(version)):
        raise RpcError(
            UNSUPPORTED_TRANSACTION_VERSION,
            f"Transaction version ({version}) is not supported by the requesting client. "
            "Please try the request again with the following configuration parameter: "
            '"maxSupportedTransactionVersion": 0',
        )
    transaction: object
    if encoding == "base64":
        transaction = [base64.b64encode(record.raw).decode(), "base64"]
    elif encoding == "base58":
        transaction = [b58encode(record.raw), "base58"]
    else:
        transaction = {
            "signatures": [str(signature) for signature in record.transaction.signatures],
            "message": _message_json(record.transaction.message),
        }
    document: dict[str, object] = {
        "slot": record.slot,
        "blockTime": clock.unix_seconds_of(record.slot),
        "transaction": transaction,
        "meta": _meta_json(record),
    }
    if max_version is not None:
        document["version"] = "legacy" if is_legacy else int(version)
    return document
