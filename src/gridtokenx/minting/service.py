"""The minting loop: reconcile pending submissions, select readings, submit them, record.

Every transaction is signed and recorded as pending *before* it is sent, so a crash at any
point leaves a signature the next cycle can look up: landed → confirmed; blockhash still
valid → the same bytes are sent again; blockhash expired and not landed → superseded, and the
meter's newest reading is submitted in a new transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from solders.hash import Hash
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from gridtokenx.chain.registry.accounts import MeterAccount, MeterStatus
from gridtokenx.chain.registry.pda import meter_address
from gridtokenx.minting import metrics
from gridtokenx.minting.chain import (
    Expired,
    Landed,
    MintChain,
    Refused,
    SendOutcome,
    Undecided,
    refusal_from_json,
)
from gridtokenx.minting.core import (
    READINGS_PER_LEGACY_TRANSACTION,
    ChainRegisters,
    MeterMintState,
    PendingResolution,
    Refusal,
    RefusalAction,
    SignedWatermark,
    SubmissionStatus,
    batches,
    refusal_action,
    resolve_pending,
    select_mintable,
)
from gridtokenx.minting.ledger import PendingTransaction
from gridtokenx.minting.transactions import MINT_INSTRUCTION_INDEX, MintTarget, mint_transaction

_log = logging.getLogger(__name__)


@dataclass
class CycleReport:
    confirmed_wh: int = 0
    submitted_transactions: int = 0
    resolved: dict[SubmissionStatus, int] = field(default_factory=dict)
    undecided: int = 0

    def count(self, status: SubmissionStatus, readings: int) -> None:
        self.resolved[status] = self.resolved.get(status, 0) + readings
        metrics.SUBMISSIONS.labels(status.value).inc(readings)


class Ledger(Protocol):
    """What the minter needs of its ledger (``MintLedger`` in PostgreSQL)."""

    def signed_watermarks(self) -> list[SignedWatermark]: ...

    def mint_states(self) -> dict[uuid.UUID, MeterMintState]: ...

    def mint_targets(self, meter_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, MintTarget]: ...

    def record_pending(
        self,
        readings: Sequence[SignedWatermark],
        tx_signature: str,
        blockhash: str,
        signed_transaction: bytes,
    ) -> PendingTransaction: ...

    def pending_transactions(self) -> list[PendingTransaction]: ...

    def confirm(self, tx_signature: str) -> int: ...

    def supersede(self, tx_signature: str, error: str) -> None: ...

    def fail(self, tx_signature: str, error: str) -> None: ...

    def adopt_chain(
        self, meter_id: uuid.UUID, registers: ChainRegisters, status: MeterStatus
    ) -> None: ...


class Minter:
    """Mints GXT for the ledger's registered meters through ``chain``, paid by ``payer``."""

    def __init__(
        self,
        ledger: Ledger,
        chain: MintChain,
        registry_program: Pubkey,
        gxt_mint: Pubkey,
        payer: Keypair,
        readings_per_transaction: int = READINGS_PER_LEGACY_TRANSACTION,
    ) -> None:
        self.ledger = ledger
        self.chain = chain
        self.registry_program = registry_program
        self.gxt_mint = gxt_mint
        self.payer = payer
        self.readings_per_transaction = readings_per_transaction

    async def run_cycle(self) -> CycleReport:
        report = CycleReport()
        await self.reconcile(report)
        states = await self.follow_chain(self.ledger.mint_states())
        selected = select_mintable(self.ledger.signed_watermarks(), states)
        for batch in batches(selected, self.readings_per_transaction):
            pending = await self.prepare(batch)
            await self.dispatch(pending, report)
        metrics.CYCLES.inc()
        return report

    async def reconcile(self, report: CycleReport) -> None:
        """Resolve every pending submission from the chain (after a crash or a timeout)."""
        for pending in self.ledger.pending_transactions():
            # Validity first: "expired, then not found" proves it never lands.
            valid = await self.chain.blockhash_valid(Hash.from_string(pending.blockhash))
            [landed] = await self.chain.statuses([Signature.from_string(pending.tx_signature)])
            resolution = resolve_pending(landed, valid)
            if resolution is PendingResolution.CONFIRMED:
                self._confirm(pending, report)
            elif resolution is PendingResolution.REFUSED:
                assert landed is not None
                await self._refused(pending, _landed_refusal(landed.err), report)
            elif resolution is PendingResolution.RESEND:
                transaction = VersionedTransaction.from_bytes(pending.signed_transaction)
                await self._apply(pending, await self.chain.land(transaction), report)
            else:
                self._supersede(pending, "its blockhash expired before it landed", report)

    async def prepare(self, batch: Sequence[SignedWatermark]) -> PendingTransaction:
        """Sign the mint of ``batch`` and record it as pending (nothing is sent yet)."""
        targets = self.ledger.mint_targets([reading.meter_id for reading in batch])
        blockhash = await self.chain.latest_blockhash()
        transaction = mint_transaction(
            self.registry_program, self.gxt_mint, batch, targets, self.payer, blockhash
        )
        return self.ledger.record_pending(
            batch, str(transaction.signatures[0]), str(blockhash), bytes(transaction)
        )

    async def dispatch(self, pending: PendingTransaction, report: CycleReport) -> None:
        """Send a recorded transaction and record what became of it."""
        transaction = VersionedTransaction.from_bytes(pending.signed_transaction)
        report.submitted_transactions += 1
        await self._apply(pending, await self.chain.land(transaction), report)

    async def _apply(
        self, pending: PendingTransaction, outcome: SendOutcome, report: CycleReport
    ) -> None:
        if isinstance(outcome, Landed):
            self._confirm(pending, report)
        elif isinstance(outcome, Expired):
            self._supersede(pending, "its blockhash expired before it landed", report)
        elif isinstance(outcome, Refused):
            await self._refused(pending, outcome.refusal, report)
        elif isinstance(outcome, Undecided):
            # Left pending: the next cycle asks the chain about its signature.
            metrics.CHAIN_ERRORS.labels("undecided").inc()
            report.undecided += len(pending.readings)
            _log.warning("mint %s undecided: %s", pending.tx_signature, outcome.detail)

    def _confirm(self, pending: PendingTransaction, report: CycleReport) -> None:
        minted_wh = self.ledger.confirm(pending.tx_signature)
        metrics.MINTED_WH.inc(minted_wh)
        report.confirmed_wh += minted_wh
        report.count(SubmissionStatus.CONFIRMED, len(pending.readings))

    def _supersede(self, pending: PendingTransaction, reason: str, report: CycleReport) -> None:
        self.ledger.supersede(pending.tx_signature, reason)
        report.count(SubmissionStatus.SUPERSEDED, len(pending.readings))

    async def _refused(
        self, pending: PendingTransaction, refusal: Refusal, report: CycleReport
    ) -> None:
        action = refusal_action(refusal, len(pending.readings), MINT_INSTRUCTION_INDEX)
        code = refusal.registry_code.name if refusal.registry_code is not None else "other"
        metrics.CHAIN_ERRORS.labels(code.lower()).inc()
        _log.warning("mint %s refused (%s): %s", pending.tx_signature, action.value, refusal)
        meter_ids = [reading.meter_id for reading in pending.readings]
        if action is RefusalAction.FAIL:
            self.ledger.fail(pending.tx_signature, refusal.detail)
            report.count(SubmissionStatus.FAILED, len(pending.readings))
            # Someone else may have minted this meter meanwhile; the mirror follows the chain.
            await self.adopt_chain(meter_ids)
            return
        self._supersede(pending, refusal.detail, report)
        if action is RefusalAction.ADOPT_CHAIN:
            await self.adopt_chain(meter_ids)
        elif action is RefusalAction.ISOLATE:
            full = {reading.meter_id: reading for reading in self.ledger.signed_watermarks()}
            for reading in pending.readings:
                current = full.get(reading.meter_id)
                # Only the very reading that was refused: a newer one is the next cycle's.
                if current is not None and current.timestamp_ms == reading.timestamp_ms:
                    await self.dispatch(await self.prepare([current]), report)

    async def follow_chain(
        self, states: dict[uuid.UUID, MeterMintState]
    ) -> dict[uuid.UUID, MeterMintState]:
        """The meters' states after adopting what changed on chain without this minter (a
        reading someone else submitted, a suspension), for meters with nothing pending."""
        settled = [meter_id for meter_id, state in states.items() if not state.pending]
        followed = dict(states)
        for meter_id, (registers, status) in (await self._chain_registers(settled)).items():
            state = states[meter_id]
            active = status is MeterStatus.ACTIVE
            if (registers, active) != (state.registers, state.active):
                self.ledger.adopt_chain(meter_id, registers, status)
                followed[meter_id] = replace(state, registers=registers, active=active)
        return followed

    async def adopt_chain(self, meter_ids: Sequence[uuid.UUID]) -> None:
        """Record the meter accounts' registers as the chain holds them."""
        for meter_id, (registers, status) in (await self._chain_registers(meter_ids)).items():
            self.ledger.adopt_chain(meter_id, registers, status)

    async def _chain_registers(
        self, meter_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[ChainRegisters, MeterStatus]]:
        addresses = [meter_address(self.registry_program, m.bytes)[0] for m in meter_ids]
        found = {}
        for meter_id, data in zip(meter_ids, await self.chain.account_data(addresses), strict=True):
            if data is None:
                continue
            account = MeterAccount.decode(data)
            registers = ChainRegisters(
                account.last_export_wh,
                account.last_import_wh,
                account.last_timestamp_ms,
                account.minted_wh,
            )
            found[meter_id] = (registers, MeterStatus(account.status))
        return found


def _landed_refusal(transaction_error: object) -> Refusal:
    return refusal_from_json(transaction_error, f"landed and failed: {transaction_error}")
