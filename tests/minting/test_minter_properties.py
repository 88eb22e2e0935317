"""For any interleaving of ingested readings, lost answers, expiries, crashes, restarts and
readings landed by someone else, the real ``Minter`` never mints more than the chain's export
register says, never submits a reading twice into the chain's registers, and ends with its
ledger equal to the chain."""

from __future__ import annotations

import asyncio
import uuid

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.minting.core import (
    GXT_BASE_UNITS_PER_WH,
    ChainRegisters,
    SignedWatermark,
    SubmissionStatus,
)
from gridtokenx.minting.service import Minter
from gridtokenx.minting.transactions import MintTarget, mint_transaction, reading_message
from tests.minting.model import ChainMeter, Crash, Fate, MemoryLedger, ModelChain

METERS = 4
PROGRAM_ID = Pubkey.new_unique()
GXT_MINT = Pubkey.new_unique()
MINUTE_MS = 60_000


class MinterMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.meters = [
            ChainMeter(
                meter_id=uuid.uuid4(),
                device=Keypair(),
                owner=Pubkey.new_unique(),
                token_account=Pubkey.new_unique(),
            )
            for _ in range(METERS)
        ]
        self.chain = ModelChain(PROGRAM_ID, self.meters)
        self.ledger = MemoryLedger(
            targets={
                meter.meter_id: MintTarget(bytes(meter.device.pubkey()), meter.token_account)
                for meter in self.meters
            },
            registers={meter.meter_id: ChainRegisters() for meter in self.meters},
        )
        self.payer = Keypair()
        self.minter = self._new_minter()
        self.honest: dict[uuid.UUID, SignedWatermark] = {}
        """Each meter's newest honestly signed reading."""
        self.tampered: set[uuid.UUID] = set()

    def _new_minter(self) -> Minter:
        return Minter(self.ledger, self.chain, PROGRAM_ID, GXT_MINT, self.payer)

    def _sign(self, meter: ChainMeter, export_wh: int, import_wh: int, ts: int) -> SignedWatermark:
        unsigned = SignedWatermark(meter.meter_id, export_wh, import_wh, ts, b"")
        signature = bytes(meter.device.sign_message(reading_message(unsigned)))
        return SignedWatermark(meter.meter_id, export_wh, import_wh, ts, signature)

    @rule(
        index=st.integers(0, METERS - 1),
        export_increase_wh=st.integers(0, 5_000),
        import_increase_wh=st.integers(0, 50),
        tamper=st.booleans(),
    )
    def ingest(
        self, index: int, export_increase_wh: int, import_increase_wh: int, tamper: bool
    ) -> None:
        meter = self.meters[index]
        last = self.ledger.watermarks.get(meter.meter_id)
        base = self.honest.get(meter.meter_id) or SignedWatermark(meter.meter_id, 0, 0, 0, b"")
        timestamp_ms = (last.timestamp_ms if last else 0) + MINUTE_MS
        signed = self._sign(
            meter,
            base.export_wh + export_increase_wh,
            base.import_wh + import_increase_wh,
            timestamp_ms,
        )
        if tamper:
            # The stored export was raised after the device signed.
            self.ledger.watermarks[meter.meter_id] = SignedWatermark(
                meter.meter_id,
                signed.export_wh + 1,
                signed.import_wh,
                timestamp_ms,
                signed.signature,
            )
            self.tampered.add(meter.meter_id)
        else:
            self.ledger.watermarks[meter.meter_id] = signed
            self.honest[meter.meter_id] = signed
            self.tampered.discard(meter.meter_id)

    @rule(fates=st.lists(st.sampled_from(Fate), max_size=4))
    def cycle(self, fates: list[Fate]) -> None:
        self.chain.fates.extend(fates)
        try:
            asyncio.run(self.minter.run_cycle())
        except Crash:
            event("the process crashed and restarted")
            self.minter = self._new_minter()  # the process restarts on the same ledger
        self.chain.fates.clear()

    @rule(land_in_flight=st.booleans())
    def expire_blockhashes(self, land_in_flight: bool) -> None:
        self.chain.expire(land_in_flight=land_in_flight)

    @precondition(lambda self: bool(self.honest))
    @rule(data=st.data())
    def someone_else_mints(self, data: st.DataObject) -> None:
        """Anyone may submit a signed reading: another payer lands a meter's newest honest one."""
        meter_id = data.draw(st.sampled_from(sorted(self.honest, key=str)))
        reading = self.honest[meter_id]
        meter = self.chain.meters[meter_id]
        transaction = mint_transaction(
            PROGRAM_ID,
            GXT_MINT,
            [reading],
            {meter_id: MintTarget(bytes(meter.device.pubkey()), meter.token_account)},
            Keypair(),
            self.chain.current,
        )
        self.chain.execute_mint(transaction)

    @invariant()
    def never_more_than_the_chain(self) -> None:
        pending_meters: list[uuid.UUID] = []
        for meter in self.meters:
            chain = meter.registers
            ours = self.ledger.registers[meter.meter_id]
            assert self.chain.balances[meter.token_account] == (
                chain.minted_wh * GXT_BASE_UNITS_PER_WH
            )
            assert chain.minted_wh == chain.export_wh  # registers start at 0
            assert ours.export_wh <= chain.export_wh
            assert ours.minted_wh <= chain.minted_wh
            confirmed_wh = sum(
                row.minted_wh or 0
                for row in self.ledger.rows
                if row.reading.meter_id == meter.meter_id
                and row.status is SubmissionStatus.CONFIRMED
            )
            assert confirmed_wh <= chain.minted_wh
            honest = self.honest.get(meter.meter_id)
            assert chain.export_wh <= (honest.export_wh if honest else 0)
            pending_meters += [
                row.reading.meter_id
                for row in self.ledger.rows
                if row.reading.meter_id == meter.meter_id and row.status is SubmissionStatus.PENDING
            ]
        assert len(pending_meters) == len(set(pending_meters))

    def teardown(self) -> None:
        """Once the chain behaves (every send lands and answers), everything settles."""
        self.chain.expire(land_in_flight=True)
        for _ in range(4):
            asyncio.run(self._new_minter().run_cycle())
        assert not self.ledger.pending_transactions()
        for status in {row.status for row in self.ledger.rows}:
            event(f"a submission ended {status.value}")
        for meter in self.meters:
            chain = meter.registers
            assert self.ledger.registers[meter.meter_id] == chain
            honest = self.honest.get(meter.meter_id)
            if meter.meter_id not in self.tampered and honest is not None:
                # Everything honestly signed is minted, exactly.
                assert chain.export_wh == honest.export_wh


MinterMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestMinterProperties = MinterMachine.TestCase
