"""Models for the minter's property tests: a ledger in memory with the PostgreSQL ledger's rules,
and a chain that executes mint transactions by the Registry's rules (docs/onchain.md) with a
fate per send: landed, lost, landed unanswered, or the process dying before or after."""

from __future__ import annotations

import struct
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from gridtokenx.chain.registry.accounts import MeterAccount, MeterKind, MeterStatus
from gridtokenx.chain.registry.errors import RegistryErrorCode
from gridtokenx.chain.registry.pda import meter_address
from gridtokenx.minting.chain import (
    Expired,
    Landed,
    Refused,
    SendOutcome,
    Undecided,
    refusal_from_json,
)
from gridtokenx.minting.core import (
    GXT_BASE_UNITS_PER_WH,
    ChainRegisters,
    LandedStatus,
    MeterMintState,
    SignedWatermark,
    SubmissionStatus,
    moves_forward,
    transition,
)
from gridtokenx.minting.ledger import PendingTransaction
from gridtokenx.minting.transactions import MintTarget
from gridtokenx.telemetry.reading import decode_reading

_OFFSETS = struct.Struct("<7H")
_NAMED_MINT_ACCOUNTS = 5


class Crash(Exception):  # noqa: N818 - it stands for the process dying, not an error
    """The minting process dies here."""


class Fate(Enum):
    LAND = "land"
    LOSE = "lose"
    """Never answered and still in flight: it may land until its blockhash expires."""
    LAND_UNANSWERED = "land_unanswered"
    CRASH_BEFORE_SEND = "crash_before_send"
    CRASH_AFTER_LANDING = "crash_after_landing"


@dataclass
class _Row:
    reading: SignedWatermark
    tx_signature: str
    blockhash: str
    signed_transaction: bytes
    status: SubmissionStatus = SubmissionStatus.PENDING
    minted_wh: int | None = None


@dataclass
class MemoryLedger:
    """``MintLedger``'s rules in memory (one pending submission per meter, transitions only
    from pending, registers advanced on confirmation)."""

    targets: dict[uuid.UUID, MintTarget]
    registers: dict[uuid.UUID, ChainRegisters]
    watermarks: dict[uuid.UUID, SignedWatermark] = field(default_factory=dict)
    failed_timestamp_ms: dict[uuid.UUID, int] = field(default_factory=dict)
    rows: list[_Row] = field(default_factory=list)

    def signed_watermarks(self) -> list[SignedWatermark]:
        return list(self.watermarks.values())

    def mint_states(self) -> dict[uuid.UUID, MeterMintState]:
        pending = {row.reading.meter_id for row in self.rows if row.status == "pending"}
        return {
            meter_id: MeterMintState(
                registers, True, meter_id in pending, self.failed_timestamp_ms.get(meter_id)
            )
            for meter_id, registers in self.registers.items()
        }

    def mint_targets(self, meter_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, MintTarget]:
        return {meter_id: self.targets[meter_id] for meter_id in meter_ids}

    def record_pending(
        self,
        readings: Sequence[SignedWatermark],
        tx_signature: str,
        blockhash: str,
        signed_transaction: bytes,
    ) -> PendingTransaction:
        pending = {row.reading.meter_id for row in self.rows if row.status == "pending"}
        assert not pending & {reading.meter_id for reading in readings}, "two pending"
        self.rows += [
            _Row(reading, tx_signature, blockhash, signed_transaction) for reading in readings
        ]
        return PendingTransaction(tx_signature, blockhash, signed_transaction, tuple(readings))

    def pending_transactions(self) -> list[PendingTransaction]:
        grouped: dict[str, list[_Row]] = {}
        for row in self.rows:
            if row.status == "pending":
                grouped.setdefault(row.tx_signature, []).append(row)
        return [
            PendingTransaction(
                signature,
                rows[0].blockhash,
                rows[0].signed_transaction,
                tuple(row.reading for row in rows),
            )
            for signature, rows in grouped.items()
        ]

    def _resolve(self, tx_signature: str, status: SubmissionStatus) -> list[_Row]:
        rows = [row for row in self.rows if row.tx_signature == tx_signature]
        for row in rows:
            row.status = transition(row.status, status)
        return rows

    def confirm(self, tx_signature: str) -> int:
        total = 0
        for row in self._resolve(tx_signature, SubmissionStatus.CONFIRMED):
            registers = self.registers[row.reading.meter_id]
            advanced = (
                registers.advanced_by(row.reading)
                if moves_forward(registers, row.reading)
                else registers
            )
            row.minted_wh = advanced.minted_wh - registers.minted_wh
            total += row.minted_wh
            self.registers[row.reading.meter_id] = advanced
        return total

    def supersede(self, tx_signature: str, error: str) -> None:
        self._resolve(tx_signature, SubmissionStatus.SUPERSEDED)

    def fail(self, tx_signature: str, error: str) -> None:
        for row in self._resolve(tx_signature, SubmissionStatus.FAILED):
            self.failed_timestamp_ms[row.reading.meter_id] = row.reading.timestamp_ms

    def adopt_chain(
        self, meter_id: uuid.UUID, registers: ChainRegisters, status: MeterStatus
    ) -> None:
        self.registers[meter_id] = registers


@dataclass
class ChainMeter:
    meter_id: uuid.UUID
    device: Keypair
    owner: Pubkey
    token_account: Pubkey
    registers: ChainRegisters = field(default_factory=ChainRegisters)


class ModelChain:
    """``MintChain`` executing mint transactions by the Registry's rules, all or nothing."""

    def __init__(self, program_id: Pubkey, meters: Sequence[ChainMeter]) -> None:
        self.program_id = program_id
        self.meters = {meter.meter_id: meter for meter in meters}
        self.balances: dict[Pubkey, int] = {meter.token_account: 0 for meter in meters}
        self.landed: dict[str, object] = {}
        self.in_flight: dict[str, VersionedTransaction] = {}
        self.current = Hash.new_unique()
        self.valid = {self.current}
        self.fates: deque[Fate] = deque()

    async def latest_blockhash(self) -> Hash:
        return self.current

    async def land(self, transaction: VersionedTransaction) -> SendOutcome:
        signature = str(transaction.signatures[0])
        fate = self.fates.popleft() if self.fates else Fate.LAND
        if signature in self.landed:
            return Landed(signature, 1)
        if transaction.message.recent_blockhash not in self.valid:
            return Expired()
        if fate is Fate.CRASH_BEFORE_SEND:
            raise Crash
        if fate is Fate.LOSE:
            self.in_flight[signature] = transaction
            return Undecided("lost")
        error = self.execute_mint(transaction)
        if fate is Fate.CRASH_AFTER_LANDING:
            raise Crash
        if fate is Fate.LAND_UNANSWERED:
            return Undecided("no answer")
        if error is not None:
            return Refused(refusal_from_json(error, "refused in preflight"))
        return Landed(signature, 1)

    async def execute(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair], payer: Keypair
    ) -> SendOutcome:
        raise AssertionError("the minter never registers meters; only the registrar does")

    async def statuses(self, signatures: Sequence[Signature]) -> list[LandedStatus | None]:
        return [
            LandedStatus(self.landed[str(signature)]) if str(signature) in self.landed else None
            for signature in signatures
        ]

    async def blockhash_valid(self, blockhash: Hash) -> bool:
        return blockhash in self.valid

    async def account_data(self, addresses: Sequence[Pubkey]) -> list[bytes | None]:
        by_address = {
            meter_address(self.program_id, meter.meter_id.bytes)[0]: meter
            for meter in self.meters.values()
        }
        found: list[bytes | None] = []
        for address in addresses:
            meter = by_address.get(address)
            found.append(None if meter is None else self._account(meter).encode())
        return found

    async def rent_exempt_lamports(self, data_len: int) -> int:
        return 0

    def expire(self, *, land_in_flight: bool) -> None:
        """A new blockhash; the old ones expire, after the lost transactions did (or not) land."""
        if land_in_flight:
            for transaction in self.in_flight.values():
                self.execute_mint(transaction)
        self.in_flight.clear()
        self.current = Hash.new_unique()
        self.valid = {self.current}

    def execute_mint(self, transaction: VersionedTransaction) -> object:
        """Run the transaction (once per signature, as the cluster does); its error as JSON
        (a preflight refusal lands nothing), None when it minted."""
        signature = str(transaction.signatures[0])
        if signature in self.landed:
            return self.landed[signature]
        message = transaction.message
        keys = message.account_keys
        ed25519, mint = message.instructions[0], message.instructions[1]
        pairs = [keys[index] for index in mint.accounts[_NAMED_MINT_ACCOUNTS:]]
        updates: list[tuple[ChainMeter, ChainRegisters, Pubkey]] = []
        for index, (public_key, device_signature, signed) in enumerate(_signed(ed25519.data)):
            if not Signature.from_bytes(device_signature).verify(
                Pubkey.from_bytes(public_key), signed
            ):
                return {"InstructionError": [0, {"Custom": 2}]}
            reading = decode_reading(signed)
            meter = self.meters[reading.meter_id]
            code = _refusal(
                meter, public_key, reading.export_wh, reading.import_wh, reading.timestamp_ms
            )
            if code is not None:
                return {"InstructionError": [1, {"Custom": int(code)}]}
            watermark = SignedWatermark(
                meter.meter_id,
                reading.export_wh,
                reading.import_wh,
                reading.timestamp_ms,
                device_signature,
            )
            updates.append((meter, meter.registers.advanced_by(watermark), pairs[2 * index + 1]))
        for meter, registers, token_account in updates:
            minted_wh = registers.minted_wh - meter.registers.minted_wh
            self.balances[token_account] += minted_wh * GXT_BASE_UNITS_PER_WH
            meter.registers = registers
        self.landed[signature] = None
        return None

    def _account(self, meter: ChainMeter) -> MeterAccount:
        registers = meter.registers
        return MeterAccount(
            meter_id=meter.meter_id.bytes,
            owner=meter.owner,
            device_pubkey=meter.device.pubkey(),
            last_export_wh=registers.export_wh,
            last_import_wh=registers.import_wh,
            last_timestamp_ms=registers.timestamp_ms,
            minted_wh=registers.minted_wh,
            zone=0,
            kind=MeterKind.SOLAR,
            status=MeterStatus.ACTIVE,
            bump=255,
        )


def _refusal(
    meter: ChainMeter, public_key: bytes, export_wh: int, import_wh: int, timestamp_ms: int
) -> RegistryErrorCode | None:
    registers = meter.registers
    if public_key != bytes(meter.device.pubkey()):
        return RegistryErrorCode.DEVICE_KEY_MISMATCH
    if export_wh <= registers.export_wh or import_wh < registers.import_wh:
        return RegistryErrorCode.REGISTER_NOT_INCREASING
    if timestamp_ms <= registers.timestamp_ms:
        return RegistryErrorCode.TIMESTAMP_NOT_INCREASING
    return None


def _signed(data: bytes) -> list[tuple[bytes, bytes, bytes]]:
    """(public key, signature, message) of each signature of an Ed25519 instruction."""
    found = []
    for index in range(data[0]):
        signature_at, _, key_at, _, message_at, message_len, _ = _OFFSETS.unpack_from(
            data, 2 + index * _OFFSETS.size
        )
        found.append(
            (
                data[key_at : key_at + 32],
                data[signature_at : signature_at + 64],
                data[message_at : message_at + message_len],
            )
        )
    return found
