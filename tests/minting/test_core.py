"""The minting rules: selection, batching, transitions, pending resolution, refusals."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from solders.hash import Hash
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx.chain.registry.errors import RegistryErrorCode
from gridtokenx.minting.chain import refusal_from_json
from gridtokenx.minting.core import (
    READINGS_PER_LEGACY_TRANSACTION,
    ChainRegisters,
    LandedStatus,
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
    transition,
)
from gridtokenx.minting.errors import InvalidTransitionError
from gridtokenx.minting.transactions import (
    MINT_INSTRUCTION_INDEX,
    PACKET_BYTES,
    MintTarget,
    mint_transaction,
)

SIGNATURE = bytes(range(64))
REGISTERS = ChainRegisters(export_wh=100, import_wh=50, timestamp_ms=1_000, minted_wh=100)


def _reading(
    meter_id: uuid.UUID, export_wh: int = 150, import_wh: int = 50, timestamp_ms: int = 2_000
) -> SignedWatermark:
    return SignedWatermark(meter_id, export_wh, import_wh, timestamp_ms, SIGNATURE)


def _state(
    *, active: bool = True, pending: bool = False, failed_ms: int | None = None
) -> MeterMintState:
    return MeterMintState(REGISTERS, active, pending, failed_ms)


class TestTransitions:
    @pytest.mark.parametrize(
        "new",
        [SubmissionStatus.CONFIRMED, SubmissionStatus.SUPERSEDED, SubmissionStatus.FAILED],
    )
    def test_a_pending_submission_resolves_once(self, new: SubmissionStatus) -> None:
        assert transition(SubmissionStatus.PENDING, new) is new
        for again in SubmissionStatus:
            with pytest.raises(InvalidTransitionError):
                transition(new, again)

    def test_pending_does_not_become_pending(self) -> None:
        with pytest.raises(InvalidTransitionError, match="only pending"):
            transition(SubmissionStatus.PENDING, SubmissionStatus.PENDING)


class TestSelection:
    def test_a_reading_that_moves_the_registers_of_an_active_idle_meter_is_chosen(self) -> None:
        meter = uuid.uuid4()
        reading = _reading(meter)
        assert select_mintable([reading], {meter: _state()}) == [reading]

    @pytest.mark.parametrize(
        ("state", "reading_fields"),
        [
            (None, {}),
            (_state(active=False), {}),
            (_state(pending=True), {}),
            (_state(failed_ms=2_000), {}),
            (_state(), {"export_wh": 100}),  # export must grow: nothing to mint
            (_state(), {"import_wh": 49}),  # the import register must not go back
            (_state(), {"timestamp_ms": 1_000}),  # not newer than the last minted
        ],
        ids=[
            "unregistered",
            "inactive",
            "pending",
            "refused-for-good",
            "no-export",
            "import-back",
            "not-newer",
        ],
    )
    def test_a_reading_is_skipped(
        self, state: MeterMintState | None, reading_fields: dict[str, int]
    ) -> None:
        meter = uuid.uuid4()
        states = {} if state is None else {meter: state}
        assert select_mintable([_reading(meter, **reading_fields)], states) == []

    def test_a_newer_reading_after_a_refused_one_is_chosen(self) -> None:
        meter = uuid.uuid4()
        newer = _reading(meter, timestamp_ms=3_000)
        assert select_mintable([newer], {meter: _state(failed_ms=2_000)}) == [newer]

    def test_the_choice_is_ordered_by_meter_id(self) -> None:
        meters = [uuid.uuid4() for _ in range(6)]
        chosen = select_mintable([_reading(m) for m in meters], {m: _state() for m in meters})
        assert [r.meter_id.bytes for r in chosen] == sorted(m.bytes for m in meters)


class TestRegisters:
    def test_advancing_mints_the_export_difference(self) -> None:
        advanced = REGISTERS.advanced_by(_reading(uuid.uuid4(), export_wh=175))
        assert advanced == ChainRegisters(175, 50, 2_000, 175)

    def test_a_reading_that_does_not_move_them_is_refused(self) -> None:
        with pytest.raises(ValueError, match="forward"):
            REGISTERS.advanced_by(_reading(uuid.uuid4(), export_wh=100))


@given(st.integers(0, 20), st.integers(1, 5))
def test_batches_keep_every_reading_once_in_order(count: int, per_transaction: int) -> None:
    readings = [_reading(uuid.uuid4()) for _ in range(count)]
    grouped = batches(readings, per_transaction)
    assert [r for batch in grouped for r in batch] == readings
    assert all(1 <= len(batch) <= per_transaction for batch in grouped)
    assert len(grouped) == -(-count // per_transaction)


def test_a_batch_holds_at_least_one_reading() -> None:
    with pytest.raises(ValueError, match="at least one"):
        batches([], 0)


class TestPendingResolution:
    @pytest.mark.parametrize("valid", [True, False])
    def test_a_landed_signature_decides(self, valid: bool) -> None:
        assert resolve_pending(LandedStatus(None), valid) is PendingResolution.CONFIRMED
        failed = LandedStatus({"InstructionError": [1, {"Custom": 6018}]})
        assert resolve_pending(failed, valid) is PendingResolution.REFUSED

    def test_unlanded_with_a_live_blockhash_is_sent_again(self) -> None:
        assert resolve_pending(None, blockhash_valid=True) is PendingResolution.RESEND

    def test_unlanded_with_an_expired_blockhash_never_lands(self) -> None:
        assert resolve_pending(None, blockhash_valid=False) is PendingResolution.EXPIRED


def _refusal(index: int | None, code: RegistryErrorCode | None) -> Refusal:
    return Refusal(index, code, "refused")


class TestRefusals:
    @pytest.mark.parametrize(
        "code",
        [RegistryErrorCode.REGISTER_NOT_INCREASING, RegistryErrorCode.TIMESTAMP_NOT_INCREASING],
    )
    def test_the_chain_already_past_a_single_reading_is_adopted(
        self, code: RegistryErrorCode
    ) -> None:
        refusal = _refusal(MINT_INSTRUCTION_INDEX, code)
        assert refusal_action(refusal, 1, MINT_INSTRUCTION_INDEX) is RefusalAction.ADOPT_CHAIN

    @pytest.mark.parametrize(
        "refusal",
        [
            _refusal(MINT_INSTRUCTION_INDEX - 1, None),  # the Ed25519 check: a bad signature
            _refusal(MINT_INSTRUCTION_INDEX, RegistryErrorCode.METER_NOT_ACTIVE),
            _refusal(MINT_INSTRUCTION_INDEX, RegistryErrorCode.DEVICE_KEY_MISMATCH),
        ],
    )
    def test_a_single_reading_refused_for_good_fails(self, refusal: Refusal) -> None:
        assert refusal_action(refusal, 1, MINT_INSTRUCTION_INDEX) is RefusalAction.FAIL

    @pytest.mark.parametrize(
        "refusal",
        [
            _refusal(MINT_INSTRUCTION_INDEX - 1, None),
            _refusal(MINT_INSTRUCTION_INDEX, RegistryErrorCode.REGISTER_NOT_INCREASING),
        ],
    )
    def test_a_refused_batch_is_split(self, refusal: Refusal) -> None:
        assert refusal_action(refusal, 3, MINT_INSTRUCTION_INDEX) is RefusalAction.ISOLATE

    @pytest.mark.parametrize(
        "refusal",
        [
            _refusal(None, None),  # fees, blockhash: nothing about the readings
            _refusal(MINT_INSTRUCTION_INDEX, None),  # a built-in error, not the Registry's
            _refusal(MINT_INSTRUCTION_INDEX + 1, RegistryErrorCode.ARITHMETIC_OVERFLOW),
        ],
    )
    def test_other_errors_are_retried(self, refusal: Refusal) -> None:
        assert refusal_action(refusal, 1, MINT_INSTRUCTION_INDEX) is RefusalAction.RETRY

    def test_json_errors_name_the_instruction_and_the_registry_code(self) -> None:
        refused = refusal_from_json({"InstructionError": [1, {"Custom": 6019}]}, "x")
        assert refused == Refusal(1, RegistryErrorCode.TIMESTAMP_NOT_INCREASING, "x")
        ed25519 = refusal_from_json({"InstructionError": [0, {"Custom": 2}]}, "x")
        assert ed25519 == Refusal(0, None, "x")
        builtin = refusal_from_json({"InstructionError": [1, "InvalidAccountData"]}, "x")
        assert builtin == Refusal(1, None, "x")
        assert refusal_from_json("InsufficientFundsForFee", "x") == Refusal(None, None, "x")


def _transaction_size(readings: int) -> int:
    meters = [uuid.uuid4() for _ in range(readings)]
    targets = {m: MintTarget(bytes(Keypair().pubkey()), Pubkey.new_unique()) for m in meters}
    transaction = mint_transaction(
        Pubkey.new_unique(),
        Pubkey.new_unique(),
        [_reading(m) for m in meters],
        targets,
        Keypair(),
        Hash.new_unique(),
    )
    return len(bytes(transaction))


def test_three_readings_fill_a_legacy_packet_and_four_do_not_fit() -> None:
    assert _transaction_size(1) == 615
    assert _transaction_size(READINGS_PER_LEGACY_TRANSACTION) == 1_079 <= PACKET_BYTES
    with pytest.raises(ValueError, match="over the 1232-byte packet"):
        _transaction_size(READINGS_PER_LEGACY_TRANSACTION + 1)
