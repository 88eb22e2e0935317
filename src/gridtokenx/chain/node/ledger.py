"""The chain's state machine: LiteSVM plus slots, the blockhash window, statuses and history.

Synchronous and free of network I/O: the server calls it from one event loop. Executed
transactions queue up as log records until the committer makes them durable
(``take_pending`` / ``mark_durable``); only durable transactions count as confirmed.

Durable nonces: a transaction whose first instruction advances a System nonce account may name
that account's stored nonce instead of a recent blockhash, as on a real cluster. (With its own
blockhash check off, LiteSVM hands the System program the transaction's ``recent_blockhash``
as the current blockhash, so the next stored nonce derives from the transaction's bytes and a
log replay reproduces every stored nonce.)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from solders.account import Account
from solders.clock import Clock
from solders.epoch_schedule import EpochSchedule
from solders.hash import Hash
from solders.litesvm import LiteSVM
from solders.message import Message, MessageV0, MessageV1
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.system_program import ID as SYSTEM_PROGRAM_ID
from solders.system_program import TransferParams, transfer
from solders.transaction import SanitizeError, Transaction, VersionedTransaction
from solders.transaction_metadata import (
    FailedTransactionMetadata,
    SimulatedTransactionInfo,
    TransactionMetadata,
)
from solders.transaction_status import TransactionErrorFieldless

from gridtokenx.chain.node.errors import (
    INTERNAL_ERROR,
    SEND_TRANSACTION_PREFLIGHT_FAILURE,
    TRANSACTION_SIGNATURE_VERIFICATION_FAILURE,
    RpcError,
    invalid_params,
)
from gridtokenx.chain.node.genesis import FAUCET_LAMPORTS, Genesis
from gridtokenx.chain.node.outcomes import (
    Outcome,
    describe_error,
    error_json,
    return_data_json,
)
from gridtokenx.chain.node.slots import BlockhashWindow, SlotClock
from gridtokenx.chain.node.token_layout import (
    TOKEN_PROGRAM_NAMES,
    parse_account,
    parse_mint,
    ui_token_amount,
)
from gridtokenx.chain.node.wal import encode_record
from gridtokenx.chain.svm import execute, simulate

SLOTS_PER_EPOCH = 432_000
_ADVANCE_NONCE_ACCOUNT = (4).to_bytes(4, "little")
"""The System program's AdvanceNonceAccount instruction tag."""
_NONCE_ACCOUNT_LEN = 80
_NONCE_INITIALIZED = (1).to_bytes(4, "little")
_STORED_NONCE = slice(40, 72)
"""Nonce account: version u32, state u32, authority (32 bytes), stored nonce, fee (u64)."""


@dataclass
class TransactionRecord:
    """A transaction that landed (succeeded, or failed after paying its fee)."""

    signature: Signature
    slot: int
    raw: bytes
    transaction: VersionedTransaction
    outcome: Outcome
    err: object
    pre_balances: list[int]
    post_balances: list[int]
    pre_token_balances: list[dict[str, object]]
    post_token_balances: list[dict[str, object]]
    writable_keys: list[Pubkey]
    durable: bool = False


@dataclass
class _Snapshot:
    balances: list[int] = field(default_factory=list)
    token_balances: list[dict[str, object]] = field(default_factory=list)


def writable_keys(message: Message | MessageV0 | MessageV1) -> list[Pubkey]:
    """The static account keys a message may write."""
    header = message.header
    keys: list[Pubkey] = list(message.account_keys)
    signed = header.num_required_signatures
    writable_signed = signed - header.num_readonly_signed_accounts
    writable_unsigned_end = len(keys) - header.num_readonly_unsigned_accounts
    return keys[:writable_signed] + keys[signed:writable_unsigned_end]


def preflight_failure(err: object, meta: TransactionMetadata | None) -> RpcError:
    """The -32002 error a real node answers when preflight simulation fails."""
    return RpcError(
        SEND_TRANSACTION_PREFLIGHT_FAILURE,
        f"Transaction simulation failed: {describe_error(err)}",
        {
            "err": err,
            "logs": meta.logs() if meta is not None else [],
            "accounts": None,
            "unitsConsumed": meta.compute_units_consumed() if meta is not None else 0,
            "returnData": return_data_json(meta) if meta is not None else None,
            "innerInstructions": None,
            "replacementBlockhash": None,
        },
    )


class Ledger:
    def __init__(self, genesis: Genesis, blockhash_valid_slots: int) -> None:
        self.svm = LiteSVM().with_blockhash_check(False)
        self.svm.set_epoch_schedule(EpochSchedule.without_warmup())
        self.clock = SlotClock(genesis.unix_ms, genesis.slot_ms)
        self.window = BlockhashWindow(genesis.hash, blockhash_valid_slots)
        self.genesis_hash = genesis.hash
        self.faucet = genesis.faucet
        self.faucet_pubkey = genesis.faucet.pubkey()
        self.svm.set_account(
            self.faucet_pubkey, Account(FAUCET_LAMPORTS, b"", SYSTEM_PROGRAM_ID, False, 0)
        )
        self.records: dict[Signature, TransactionRecord] = {}
        self.signatures_by_address: defaultdict[Pubkey, list[Signature]] = defaultdict(list)
        self.transaction_count = 0
        self._clock_slot = -1
        self._mint_decimals: dict[Pubkey, int] = {}
        self._pending_records: list[TransactionRecord] = []
        self._pending_log = bytearray()
        self._sigverify = True

    # --- time -------------------------------------------------------------------------------

    @property
    def slot(self) -> int:
        return self.window.slot

    def advance(self, unix_ms: int) -> bool:
        """Move to the slot of ``unix_ms``; True if the slot changed."""
        target = self.clock.slot_at(unix_ms)
        if target <= self.window.slot:
            return False
        self.window.advance_to(target)
        self._set_clock(target)
        return True

    def _set_clock(self, slot: int) -> None:
        if slot == self._clock_slot:
            return
        epoch = slot // SLOTS_PER_EPOCH
        self.svm.set_clock(
            Clock(
                slot,
                self.clock.unix_seconds_of(epoch * SLOTS_PER_EPOCH),
                epoch,
                epoch,
                self.clock.unix_seconds_of(slot),
            )
        )
        self._clock_slot = slot

    def _set_sigverify(self, enabled: bool) -> None:
        if enabled != self._sigverify:
            self.svm.with_sigverify(enabled)
            self._sigverify = enabled

    # --- accounts ---------------------------------------------------------------------------

    def account(self, address: Pubkey) -> Account | None:
        account = self.svm.get_account(address)
        # LiteSVM reports closed accounts as empty system accounts; real nodes report none.
        if account is None or (account.lamports == 0 and not account.data):
            return None
        return account

    def mint_decimals(self, mint: Pubkey) -> int | None:
        decimals = self._mint_decimals.get(mint)
        if decimals is None:
            account = self.svm.get_account(mint)
            if account is None or account.owner not in TOKEN_PROGRAM_NAMES:
                return None
            parsed = parse_mint(account.data)
            if parsed is None:
                return None
            decimals = self._mint_decimals[mint] = parsed.decimals
        return decimals

    def _snapshot(self, keys: list[Pubkey], program_indexes: set[int]) -> _Snapshot:
        snapshot = _Snapshot()
        for index, key in enumerate(keys):
            if index in program_indexes:
                # Programs can be large; their lamports are all a status needs.
                snapshot.balances.append(self.svm.get_balance(key) or 0)
                continue
            account = self.svm.get_account(key)
            if account is None:
                snapshot.balances.append(0)
                continue
            snapshot.balances.append(account.lamports)
            program = TOKEN_PROGRAM_NAMES.get(account.owner)
            if program is None:
                continue
            token = parse_account(account.data)
            decimals = None if token is None else self.mint_decimals(token.mint)
            if token is not None and decimals is not None:
                snapshot.token_balances.append(
                    {
                        "accountIndex": index,
                        "mint": str(token.mint),
                        "uiTokenAmount": ui_token_amount(token.amount, decimals),
                        "owner": str(token.owner),
                        "programId": str(account.owner),
                    }
                )
        return snapshot

    # --- transactions -----------------------------------------------------------------------

    def submit(self, transaction: VersionedTransaction, raw: bytes, *, preflight: bool) -> None:
        """Execute a client's transaction as a real node would, or raise the RpcError it would.

        Without preflight, transactions a node would drop (expired blockhash, duplicates, bad
        signatures) are dropped silently, as the client then only learns from statuses.
        """
        try:
            transaction.sanitize()
        except SanitizeError as exc:
            raise invalid_params(f"invalid transaction: {exc}") from exc
        signature = transaction.signatures[0]
        if signature in self.records:
            if preflight:
                raise preflight_failure("AlreadyProcessed", None)
            return
        if not self.blockhash_usable(transaction.message):
            if preflight:
                raise preflight_failure("BlockhashNotFound", None)
            return
        if preflight:
            self._set_sigverify(True)
            simulated = simulate(self.svm, transaction)
            if isinstance(simulated, FailedTransactionMetadata):
                error = simulated.err()
                if error == TransactionErrorFieldless.SignatureFailure:
                    raise RpcError(
                        TRANSACTION_SIGNATURE_VERIFICATION_FAILURE,
                        "Transaction signature verification failure",
                    )
                raise preflight_failure(error_json(error), simulated.meta())
            # Simulation has just verified the signatures; executing need not do it again.
            self._set_sigverify(False)
        else:
            self._set_sigverify(True)
        self._execute(signature, transaction, raw, self.slot)

    def blockhash_usable(self, message: Message | MessageV0 | MessageV1) -> bool:
        """Whether ``message``'s blockhash is in the window, or is the stored nonce of the
        nonce account its first instruction advances (a durable-nonce transaction)."""
        return self.window.is_valid(message.recent_blockhash) or self._uses_stored_nonce(message)

    def _uses_stored_nonce(self, message: Message | MessageV0 | MessageV1) -> bool:
        """Whether ``message`` is a durable-nonce transaction naming its nonce account's
        stored nonce (its first instruction advances that account)."""
        if not message.instructions:
            return False
        first = message.instructions[0]
        keys = message.account_keys
        if (
            keys[first.program_id_index] != SYSTEM_PROGRAM_ID
            or bytes(first.data)[:4] != _ADVANCE_NONCE_ACCOUNT
            or not first.accounts
        ):
            return False
        account = self.svm.get_account(keys[first.accounts[0]])
        if (
            account is None
            or account.owner != SYSTEM_PROGRAM_ID
            or len(account.data) != _NONCE_ACCOUNT_LEN
            or bytes(account.data[4:8]) != _NONCE_INITIALIZED
        ):
            return False
        return bytes(account.data[_STORED_NONCE]) == bytes(message.recent_blockhash)

    def replay(self, slot: int, raw: bytes) -> None:
        """Re-execute a logged transaction at its original slot (signatures were checked)."""
        transaction = VersionedTransaction.from_bytes(raw)
        self._set_sigverify(False)
        self._set_clock(slot)
        record = self._execute(transaction.signatures[0], transaction, raw, slot)
        if record is not None:
            record.durable = True
        self._pending_records.clear()
        self._pending_log.clear()

    def _execute(
        self, signature: Signature, transaction: VersionedTransaction, raw: bytes, slot: int
    ) -> TransactionRecord | None:
        message = transaction.message
        keys: list[Pubkey] = list(message.account_keys)
        program_indexes = {instruction.program_id_index for instruction in message.instructions}
        before = self._snapshot(keys, program_indexes)
        outcome = execute(self.svm, transaction)
        if isinstance(outcome, FailedTransactionMetadata):
            # Only failures that still charged the fee land in a block; the rest are dropped.
            if self.svm.get_transaction(signature) is None:
                return None
            err = error_json(outcome.err())
        else:
            err = None
        after = self._snapshot(keys, program_indexes)
        record = TransactionRecord(
            signature=signature,
            slot=slot,
            raw=raw,
            transaction=transaction,
            outcome=outcome,
            err=err,
            pre_balances=before.balances,
            post_balances=after.balances,
            pre_token_balances=before.token_balances,
            post_token_balances=after.token_balances,
            writable_keys=writable_keys(message),
        )
        self.records[signature] = record
        for key in keys:
            self.signatures_by_address[key].append(signature)
        self.transaction_count += 1
        self._pending_records.append(record)
        self._pending_log += encode_record(slot, raw)
        return record

    @property
    def has_pending(self) -> bool:
        return bool(self._pending_records)

    def take_pending(self) -> tuple[list[TransactionRecord], bytes]:
        """The records executed since the last call, and their encoded log records."""
        records, log = self._pending_records, bytes(self._pending_log)
        self._pending_records = []
        self._pending_log.clear()
        return records, log

    def simulate(
        self, transaction: VersionedTransaction, *, sigverify: bool
    ) -> SimulatedTransactionInfo | FailedTransactionMetadata:
        self._set_sigverify(sigverify)
        return simulate(self.svm, transaction)

    def airdrop(self, recipient: Pubkey, lamports: int) -> Signature:
        """Send ``lamports`` from the faucet; a repeat in the same slot gives the same signature."""
        blockhash: Hash = self.window.latest
        message = Message.new_with_blockhash(
            [
                transfer(
                    TransferParams(
                        from_pubkey=self.faucet_pubkey, to_pubkey=recipient, lamports=lamports
                    )
                )
            ],
            self.faucet_pubkey,
            blockhash,
        )
        signed = VersionedTransaction.from_legacy(Transaction([self.faucet], message, blockhash))
        signature = signed.signatures[0]
        if signature not in self.records:
            self._set_sigverify(False)
            record = self._execute(signature, signed, bytes(signed), self.slot)
            if record is None or record.err is not None:
                # Real faucets answer a failed airdrop with a plain internal error.
                reason = describe_error(record.err) if record else "dropped"
                raise RpcError(
                    INTERNAL_ERROR,
                    f"airdrop failed: {reason}; airdrops must leave the recipient rent-exempt",
                )
        return signature
