"""Solana JSON-RPC methods over the ledger: JSON parameters in, JSON results out, no I/O."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from typing import TypeVar

from solders.hash import Hash
from solders.message import Message, MessageV0, MessageV1, from_bytes_versioned
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction_metadata import FailedTransactionMetadata

from gridtokenx.chain.node.accounts import AccountEncoding
from gridtokenx.chain.node.codec import b58decode, decode_transaction
from gridtokenx.chain.node.errors import INVALID_PARAMS, RpcError, invalid_params
from gridtokenx.chain.node.history import status_json, transaction_json
from gridtokenx.chain.node.ledger import SLOTS_PER_EPOCH, Ledger
from gridtokenx.chain.node.outcomes import (
    error_json,
    inner_instructions_json,
    return_data_json,
)
from gridtokenx.chain.node.token_layout import (
    TOKEN_PROGRAM_NAMES,
    parse_account,
    parse_mint,
    ui_token_amount,
)

SOLANA_CORE_VERSION = "2.3.0"
"""The agave release whose RPC behaviour this node follows (LiteSVM's runtime is from it)."""
LAMPORTS_PER_SIGNATURE = 5_000
MAX_SIGNATURES_FOR_ADDRESS = 1_000
MAX_SIGNATURE_STATUSES = 256
MAX_MULTIPLE_ACCOUNTS = 100
MAX_AIRDROP_LAMPORTS = 1_000_000 * 1_000_000_000

Params = list[object]
Handler = Callable[[Params], object]
T = TypeVar("T")


def _param(params: Params, index: int, kind: type[T], name: str) -> T:
    if index >= len(params):
        raise invalid_params(f"missing parameter {name}")
    value = params[index]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise invalid_params(f"{name} must be a {kind.__name__}")
    return value


def _config(params: Params, index: int) -> dict[str, object]:
    if index >= len(params) or params[index] is None:
        return {}
    config = params[index]
    if not isinstance(config, dict):
        raise invalid_params("the configuration parameter must be an object")
    return config


def _pubkey(params: Params, index: int, name: str = "pubkey") -> Pubkey:
    text = _param(params, index, str, name)
    return parse_pubkey(text, name)


def parse_pubkey(text: object, name: str = "pubkey") -> Pubkey:
    if not isinstance(text, str):
        raise invalid_params(f"{name} must be a base58 string")
    try:
        return Pubkey.from_string(text)
    except ValueError as exc:
        raise invalid_params(f"invalid {name} {text!r}: {exc}") from exc


def parse_signature(text: object) -> Signature:
    if not isinstance(text, str):
        raise invalid_params("signature must be a base58 string")
    try:
        return Signature.from_string(text)
    except ValueError as exc:
        raise invalid_params(f"invalid signature {text!r}: {exc}") from exc


class RpcMethods:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.handlers: dict[str, Handler] = {
            "getAccountInfo": self.get_account_info,
            "getBalance": self.get_balance,
            "getBlockHeight": self.get_slot,
            "getEpochInfo": self.get_epoch_info,
            "getFeeForMessage": self.get_fee_for_message,
            "getGenesisHash": self.get_genesis_hash,
            "getHealth": self.get_health,
            "getLatestBlockhash": self.get_latest_blockhash,
            "getMinimumBalanceForRentExemption": self.get_minimum_balance_for_rent_exemption,
            "getMultipleAccounts": self.get_multiple_accounts,
            "getProgramAccounts": self.get_program_accounts,
            "getSignatureStatuses": self.get_signature_statuses,
            "getSignaturesForAddress": self.get_signatures_for_address,
            "getSlot": self.get_slot,
            "getTokenAccountBalance": self.get_token_account_balance,
            "getTokenAccountsByOwner": self.get_token_accounts_by_owner,
            "getTokenSupply": self.get_token_supply,
            "getTransaction": self.get_transaction,
            "getTransactionCount": self.get_transaction_count,
            "getVersion": self.get_version,
            "isBlockhashValid": self.is_blockhash_valid,
            "requestAirdrop": self.request_airdrop,
            "sendTransaction": self.send_transaction,
            "simulateTransaction": self.simulate_transaction,
        }

    def _context(self, value: object) -> dict[str, object]:
        return {
            "context": {"slot": self.ledger.slot, "apiVersion": SOLANA_CORE_VERSION},
            "value": value,
        }

    # --- cluster ----------------------------------------------------------------------------

    def get_health(self, params: Params) -> object:
        return "ok"

    def get_version(self, params: Params) -> object:
        return {"solana-core": SOLANA_CORE_VERSION, "feature-set": 0}

    def get_genesis_hash(self, params: Params) -> object:
        return str(self.ledger.genesis_hash)

    def get_slot(self, params: Params) -> object:
        return self.ledger.slot

    def get_transaction_count(self, params: Params) -> object:
        return self.ledger.transaction_count

    def get_epoch_info(self, params: Params) -> object:
        slot = self.ledger.slot
        return {
            "absoluteSlot": slot,
            "blockHeight": slot,
            "epoch": slot // SLOTS_PER_EPOCH,
            "slotIndex": slot % SLOTS_PER_EPOCH,
            "slotsInEpoch": SLOTS_PER_EPOCH,
            "transactionCount": self.ledger.transaction_count,
        }

    def get_latest_blockhash(self, params: Params) -> object:
        window = self.ledger.window
        return self._context(
            {
                "blockhash": str(window.latest),
                "lastValidBlockHeight": window.last_valid_block_height,
            }
        )

    def is_blockhash_valid(self, params: Params) -> object:
        text = _param(params, 0, str, "blockhash")
        try:
            blockhash = Hash.from_string(text)
        except ValueError as exc:
            raise invalid_params(f"invalid blockhash {text!r}: {exc}") from exc
        return self._context(self.ledger.window.is_valid(blockhash))

    def get_fee_for_message(self, params: Params) -> object:
        text = _param(params, 0, str, "message")
        try:
            message: Message | MessageV0 | MessageV1 = from_bytes_versioned(
                base64.b64decode(text, validate=True)
            )
        except (binascii.Error, ValueError) as exc:
            raise invalid_params(f"invalid base64 message: {exc}") from exc
        if not self.ledger.window.is_valid(message.recent_blockhash):
            return self._context(None)
        return self._context(LAMPORTS_PER_SIGNATURE * message.header.num_required_signatures)

    def get_minimum_balance_for_rent_exemption(self, params: Params) -> object:
        size = _param(params, 0, int, "data length")
        if size < 0:
            raise invalid_params("data length must not be negative")
        return self.ledger.svm.minimum_balance_for_rent_exemption(size)

    # --- accounts ---------------------------------------------------------------------------

    def _encode(self, address: Pubkey, encoding: AccountEncoding) -> object:
        account = self.ledger.account(address)
        return None if account is None else encoding.encode(account, self.ledger.mint_decimals)

    def get_balance(self, params: Params) -> object:
        account = self.ledger.account(_pubkey(params, 0))
        return self._context(0 if account is None else account.lamports)

    def get_account_info(self, params: Params) -> object:
        address = _pubkey(params, 0)
        encoding = AccountEncoding.from_config(_config(params, 1))
        return self._context(self._encode(address, encoding))

    def get_multiple_accounts(self, params: Params) -> object:
        texts = _param(params, 0, list, "pubkeys")
        if len(texts) > MAX_MULTIPLE_ACCOUNTS:
            raise invalid_params(f"too many pubkeys: {len(texts)} (max {MAX_MULTIPLE_ACCOUNTS})")
        addresses = [parse_pubkey(text) for text in texts]
        encoding = AccountEncoding.from_config(_config(params, 1))
        return self._context([self._encode(address, encoding) for address in addresses])

    def get_program_accounts(self, params: Params) -> object:
        program = _pubkey(params, 0, "program id")
        config = _config(params, 1)
        encoding = AccountEncoding.from_config(config)
        matches = account_filter(config.get("filters"))
        found = [
            {"pubkey": str(address), "account": encoding.encode(account, self.ledger.mint_decimals)}
            for address, account in self.ledger.svm.get_program_accounts(program)
            if account.lamports and matches(account.data)
        ]
        return self._context(found) if config.get("withContext") else found

    # --- tokens -----------------------------------------------------------------------------

    def get_token_account_balance(self, params: Params) -> object:
        address = _pubkey(params, 0)
        account = self.ledger.account(address)
        token = None if account is None else parse_account(account.data)
        decimals = None if token is None else self.ledger.mint_decimals(token.mint)
        if account is None or account.owner not in TOKEN_PROGRAM_NAMES or decimals is None:
            raise RpcError(INVALID_PARAMS, "Invalid param: not a Token account")
        assert token is not None  # decimals is only known for a parsed token account
        return self._context(ui_token_amount(token.amount, decimals))

    def get_token_supply(self, params: Params) -> object:
        address = _pubkey(params, 0, "mint")
        account = self.ledger.account(address)
        mint = None if account is None else parse_mint(account.data)
        if account is None or account.owner not in TOKEN_PROGRAM_NAMES or mint is None:
            raise RpcError(INVALID_PARAMS, "Invalid param: not a Token mint")
        return self._context(ui_token_amount(mint.supply, mint.decimals))

    def get_token_accounts_by_owner(self, params: Params) -> object:
        owner = _pubkey(params, 0, "owner")
        selector = _config(params, 1)
        encoding = AccountEncoding.from_config(_config(params, 2))
        if "mint" in selector:
            mint: Pubkey | None = parse_pubkey(selector["mint"], "mint")
            programs = list(TOKEN_PROGRAM_NAMES)
        elif "programId" in selector:
            mint = None
            program = parse_pubkey(selector["programId"], "programId")
            if program not in TOKEN_PROGRAM_NAMES:
                raise invalid_params(f"unrecognized Token program id {program}")
            programs = [program]
        else:
            raise invalid_params("expected a filter object with mint or programId")
        found: list[dict[str, object]] = []
        for program in programs:
            for address, account in self.ledger.svm.get_program_accounts(program):
                token = parse_account(account.data)
                if token is None or token.owner != owner or (mint and token.mint != mint):
                    continue
                found.append(
                    {
                        "pubkey": str(address),
                        "account": encoding.encode(account, self.ledger.mint_decimals),
                    }
                )
        return self._context(found)

    # --- transactions -----------------------------------------------------------------------

    def request_airdrop(self, params: Params) -> object:
        recipient = _pubkey(params, 0)
        lamports = _param(params, 1, int, "lamports")
        if not 0 < lamports <= MAX_AIRDROP_LAMPORTS:
            raise invalid_params(f"lamports must be between 1 and {MAX_AIRDROP_LAMPORTS}")
        return str(self.ledger.airdrop(recipient, lamports))

    def send_transaction(self, params: Params) -> object:
        config = _config(params, 1)
        encoding = str(config.get("encoding") or "base58")
        transaction, raw = decode_transaction(params[0] if params else None, encoding)
        self.ledger.submit(transaction, raw, preflight=not config.get("skipPreflight"))
        return str(transaction.signatures[0])

    def simulate_transaction(self, params: Params) -> object:
        config = _config(params, 1)
        encoding = str(config.get("encoding") or "base58")
        transaction, _ = decode_transaction(params[0] if params else None, encoding)
        replace_blockhash = bool(config.get("replaceRecentBlockhash"))
        sigverify = bool(config.get("sigVerify"))
        if replace_blockhash and sigverify:
            raise invalid_params("sigVerify may not be used with replaceRecentBlockhash")
        window = self.ledger.window
        replacement = (
            {
                "blockhash": str(window.latest),
                "lastValidBlockHeight": window.last_valid_block_height,
            }
            if replace_blockhash
            else None
        )
        if not replace_blockhash and not self.ledger.blockhash_usable(transaction.message):
            return self._context(
                {
                    "err": "BlockhashNotFound",
                    "logs": [],
                    "accounts": None,
                    "unitsConsumed": 0,
                    "returnData": None,
                    "innerInstructions": None,
                    "replacementBlockhash": None,
                }
            )
        simulated = self.ledger.simulate(transaction, sigverify=sigverify)
        meta = simulated.meta()
        accounts: list[object] | None = None
        accounts_config = config.get("accounts")
        if isinstance(accounts_config, dict):
            wanted = [
                parse_pubkey(text, "address") for text in accounts_config.get("addresses") or []
            ]
            encoding_of_accounts = AccountEncoding.from_config(accounts_config, default="base64")
            post = (
                {}
                if isinstance(simulated, FailedTransactionMetadata)
                else dict(simulated.post_accounts())
            )
            accounts = []
            for address in wanted:
                account = post.get(address) or self.ledger.account(address)
                accounts.append(
                    None
                    if account is None
                    else encoding_of_accounts.encode(account, self.ledger.mint_decimals)
                )
        inner = inner_instructions_json(meta) if config.get("innerInstructions") else None
        return self._context(
            {
                "err": error_json(simulated.err())
                if isinstance(simulated, FailedTransactionMetadata)
                else None,
                "logs": meta.logs(),
                "accounts": accounts,
                "unitsConsumed": meta.compute_units_consumed(),
                "returnData": return_data_json(meta),
                "innerInstructions": inner,
                "replacementBlockhash": replacement,
            }
        )

    def get_signature_statuses(self, params: Params) -> object:
        texts = _param(params, 0, list, "signatures")
        if len(texts) > MAX_SIGNATURE_STATUSES:
            raise invalid_params(
                f"too many signatures: {len(texts)} (max {MAX_SIGNATURE_STATUSES})"
            )
        records = self.ledger.records
        slot = self.ledger.slot
        statuses: list[object] = []
        for text in texts:
            record = records.get(parse_signature(text))
            statuses.append(None if record is None else status_json(record, slot))
        return self._context(statuses)

    def get_transaction(self, params: Params) -> object:
        signature = parse_signature(params[0] if params else None)
        config = _config(params, 1)
        if isinstance(params[1] if len(params) > 1 else None, str):
            config = {"encoding": params[1]}
        record = self.ledger.records.get(signature)
        if record is None or not record.durable:
            return None
        return transaction_json(record, config, self.ledger.clock)

    def get_signatures_for_address(self, params: Params) -> object:
        address = _pubkey(params, 0, "address")
        config = _config(params, 1)
        limit = config.get("limit")
        if limit is None:
            limit = MAX_SIGNATURES_FOR_ADDRESS
        if not isinstance(limit, int) or not 1 <= limit <= MAX_SIGNATURES_FOR_ADDRESS:
            raise invalid_params(f"limit must be between 1 and {MAX_SIGNATURES_FOR_ADDRESS}")
        before = config.get("before")
        until = config.get("until")
        before_signature = None if before is None else parse_signature(before)
        until_signature = None if until is None else parse_signature(until)
        records = self.ledger.records
        found: list[object] = []
        started = before_signature is None
        for signature in reversed(self.ledger.signatures_by_address.get(address, [])):
            if not started:
                started = signature == before_signature
                continue
            if signature == until_signature or len(found) >= limit:
                break
            record = records[signature]
            if not record.durable:
                continue
            found.append(
                {
                    "signature": str(signature),
                    "slot": record.slot,
                    "err": record.err,
                    "memo": None,
                    "blockTime": self.ledger.clock.unix_seconds_of(record.slot),
                    "confirmationStatus": "finalized",
                }
            )
        return found


def account_filter(filters: object) -> Callable[[bytes], bool]:
    """A predicate for getProgramAccounts' ``dataSize`` and ``memcmp`` filters."""
    if filters is None:
        return lambda data: True
    if not isinstance(filters, list):
        raise invalid_params("filters must be a list")
    sizes: list[int] = []
    patterns: list[tuple[int, bytes]] = []
    for each in filters:
        if not isinstance(each, Mapping):
            raise invalid_params("each filter must be an object")
        if "dataSize" in each and isinstance(each["dataSize"], int):
            sizes.append(each["dataSize"])
        elif "memcmp" in each and isinstance(each["memcmp"], Mapping):
            memcmp = each["memcmp"]
            offset, text = memcmp.get("offset"), memcmp.get("bytes")
            if not isinstance(offset, int) or not isinstance(text, str) or offset < 0:
                raise invalid_params("memcmp needs an integer offset and a bytes string")
            try:
                pattern = (
                    base64.b64decode(text, validate=True)
                    if memcmp.get("encoding") == "base64"
                    else b58decode(text)
                )
            except (ValueError, binascii.Error) as exc:
                raise invalid_params(f"invalid memcmp bytes: {exc}") from exc
            patterns.append((offset, pattern))
        else:
            raise invalid_params(f"unsupported filter {each!r}")

    def matches(data: bytes) -> bool:
        return all(len(data) == size for size in sizes) and all(
            data[offset : offset + len(pattern)] == pattern for offset, pattern in patterns
        )

    return matches
