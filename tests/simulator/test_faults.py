"""Fault injection sends exactly the intended bad records, as ingestion's validator sees them."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest

from gridtokenx.simulator.config import FleetConfig
from gridtokenx.simulator.faults import (
    FORGED_EXPORT_BONUS_WH,
    FaultError,
    FaultInjector,
    FaultKind,
    FaultSpec,
    OutRecord,
)
from gridtokenx.simulator.fleet import Fleet
from gridtokenx.simulator.limits import meter_limits
from gridtokenx.telemetry.envelope import ENVELOPE_LEN
from gridtokenx.telemetry.reading import decode_reading
from gridtokenx.telemetry.signatures import verify_each
from gridtokenx.telemetry.validation import (
    Accepted,
    Duplicate,
    MeterProfile,
    Outcome,
    Rejected,
    RejectReason,
    ValidationPolicy,
    Watermark,
    validate_records,
)

START_MS = 1_790_000_040_000
INTERVAL_MS = 300_000
METERS = 12


class Harness:
    """A fleet, its injector, and ingestion's validation state for its meters."""

    def __init__(self, seed: int = 5) -> None:
        self.fleet = Fleet(FleetConfig(meter_count=METERS, seed=seed))
        self.injector = FaultInjector(seed, self.fleet.meter_ids)
        limits = meter_limits(self.fleet)
        self.ids = [uuid.UUID(bytes=raw.tobytes()) for raw in self.fleet.meter_ids]
        self.profiles = {
            meter_id: MeterProfile(
                self.fleet.keyring.public_keys[i].tobytes(),
                int(limits.max_export_w[i]),
                int(limits.max_import_w[i]),
                True,
            )
            for i, meter_id in enumerate(self.ids)
        }
        self.watermarks = {meter_id: Watermark(START_MS, 0, 0) for meter_id in self.ids}
        self.timestamp_ms = START_MS
        self.wall_lead_ms = 0
        """How far the wall clock is ahead of the ticks (a run in the past)."""

    def tick(self) -> list[tuple[OutRecord, Outcome]]:
        self.timestamp_ms += INTERVAL_MS
        readings = self.fleet.tick(self.timestamp_ms, INTERVAL_MS)
        records = self.injector.apply(readings, self.timestamp_ms + self.wall_lead_ms)
        outcomes = validate_records(
            [(record.key, record.value) for record in records],
            self.profiles,
            self.watermarks,
            ValidationPolicy(now_ms=self.timestamp_ms + self.wall_lead_ms),
            verify_each,
        )
        return list(zip(records, outcomes, strict=True))


def _reason(outcome: Outcome) -> str:
    if isinstance(outcome, Rejected):
        return outcome.reason.value
    return "accepted" if isinstance(outcome, Accepted) else "duplicate"


def test_honest_ticks_are_all_accepted_within_the_commissioned_limits() -> None:
    harness = Harness()
    for _ in range(24):
        results = harness.tick()
        assert [r.fault for r, _ in results] == [None] * METERS
        assert all(isinstance(outcome, Accepted) for _, outcome in results)


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        (FaultKind.CORRUPT, RejectReason.MALFORMED),
        (FaultKind.FORGED_SIGNATURE, RejectReason.BAD_SIGNATURE),
        (FaultKind.CLOCK_SKEW, RejectReason.FUTURE_TIMESTAMP),
    ],
)
def test_damaging_faults_replace_the_reading_and_are_rejected_for_their_reason(
    kind: FaultKind, reason: RejectReason
) -> None:
    harness = Harness()
    harness.tick()
    harness.injector.add(FaultSpec(kind=kind, ticks=2, meter_indices=(3, 7)))
    for _ in range(2):
        results = harness.tick()
        assert len(results) == METERS
        faulty = {r.meter_index: outcome for r, outcome in results if r.fault is kind}
        assert set(faulty) == {3, 7}
        assert {_reason(outcome) for outcome in faulty.values()} == {reason.value}
        honest = [outcome for r, outcome in results if r.fault is None]
        assert len(honest) == METERS - 2
        assert all(isinstance(outcome, Accepted) for outcome in honest)
    # The rule has ended: the victims report honestly again, and their registers still count.
    assert all(isinstance(outcome, Accepted) for _, outcome in harness.tick())


def test_damaged_records_carry_what_each_fault_promises() -> None:
    harness = Harness()
    harness.wall_lead_ms = 86_400_000
    readings_ts = harness.timestamp_ms + INTERVAL_MS
    for kind, meter in ((FaultKind.CORRUPT, 0), (FaultKind.FORGED_SIGNATURE, 1)):
        harness.injector.add(FaultSpec(kind=kind, ticks=1, meter_indices=(meter,)))
    harness.injector.add(
        FaultSpec(kind=FaultKind.CLOCK_SKEW, ticks=1, meter_indices=(2,), skew_ms=3_600_000)
    )
    records = {r.meter_index: r for r, _ in harness.tick()}
    honest = {i: decode_reading(records[i].value[1:57]) for i in range(3, METERS)}
    assert all(message.timestamp_ms == readings_ts for message in honest.values())

    corrupt = records[0].value
    assert corrupt[0] == 1
    assert 1 <= len(corrupt) < ENVELOPE_LEN
    forged = decode_reading(records[1].value[1:57])
    skewed = decode_reading(records[2].value[1:57])
    fresh = Fleet(FleetConfig(meter_count=METERS, seed=5)).tick(readings_ts, INTERVAL_MS)
    assert forged.export_wh == int(fresh.export_register_wh[1]) + FORGED_EXPORT_BONUS_WH
    # Skewed from the present, not from the (past) tick.
    assert skewed.timestamp_ms == readings_ts + 86_400_000 + 3_600_000
    assert skewed.export_wh == int(fresh.export_register_wh[2])


def test_offline_meters_send_nothing_and_their_next_reading_is_accepted() -> None:
    harness = Harness()
    harness.injector.add(FaultSpec(kind=FaultKind.OFFLINE, ticks=3, meter_indices=(4,)))
    for _ in range(3):
        assert sorted(r.meter_index for r, _ in harness.tick()) == [
            i for i in range(METERS) if i != 4
        ]
    results = harness.tick()
    assert len(results) == METERS
    assert all(isinstance(outcome, Accepted) for _, outcome in results)


def test_duplicates_are_sent_twice_and_counted_as_duplicates() -> None:
    harness = Harness()
    harness.injector.add(FaultSpec(kind=FaultKind.DUPLICATE, ticks=1, meter_indices=(5,)))
    results = harness.tick()
    copies = [(r, outcome) for r, outcome in results if r.meter_index == 5]
    assert [r.fault for r, _ in copies] == [None, FaultKind.DUPLICATE]
    assert copies[0][0].value == copies[1][0].value
    assert isinstance(copies[0][1], Accepted)
    assert isinstance(copies[1][1], Duplicate)


def test_a_burst_holds_readings_then_sends_them_all_in_order() -> None:
    harness = Harness()
    harness.injector.add(FaultSpec(kind=FaultKind.BURST, ticks=4, meter_indices=(6, 9)))
    for _ in range(3):
        assert {r.meter_index for r, _ in harness.tick()} == set(range(METERS)) - {6, 9}
    last = harness.tick()
    released = [(r, outcome) for r, outcome in last if r.fault is FaultKind.BURST]
    assert len(released) == 8
    for meter in (6, 9):
        stamps = [r.timestamp_ms for r, _ in released if r.meter_index == meter]
        assert stamps == [START_MS + k * INTERVAL_MS for k in (1, 2, 3, 4)]
    assert all(isinstance(outcome, Accepted) for _, outcome in last)


def test_a_random_share_is_deterministic_for_a_seed_and_close_to_the_share() -> None:
    def faults(seed: int) -> list[tuple[int, int]]:
        harness = Harness(seed)
        harness.injector.add(FaultSpec(kind=FaultKind.OFFLINE, ticks=20, share=0.25))
        sent: list[tuple[int, int]] = []
        for _ in range(20):
            sent += [(r.timestamp_ms, r.meter_index) for r, _ in harness.tick()]
        return sent

    first, again, other = faults(5), faults(5), faults(6)
    assert first == again
    assert first != other
    offline_share = 1 - len(first) / (20 * METERS)
    assert 0.15 < offline_share < 0.35


def test_injected_faults_are_counted_and_rules_expire() -> None:
    harness = Harness()
    rule = harness.injector.add(FaultSpec(kind=FaultKind.CORRUPT, ticks=2, meter_indices=(1,)))
    harness.tick()
    assert [r.remaining_ticks for r in harness.injector.rules] == [1]
    assert harness.injector.last_faults == {1: FaultKind.CORRUPT}
    harness.tick()
    assert harness.injector.rules == []
    assert harness.injector.injected == Counter({FaultKind.CORRUPT: 2})
    with pytest.raises(FaultError, match="no active fault rule"):
        harness.injector.remove(rule.rule_id)


@pytest.mark.parametrize(
    "spec",
    [
        FaultSpec(kind=FaultKind.OFFLINE, ticks=0, share=0.5),
        FaultSpec(kind=FaultKind.OFFLINE, ticks=1, meter_indices=(METERS,)),
        FaultSpec(kind=FaultKind.OFFLINE, ticks=1),
        FaultSpec(kind=FaultKind.CLOCK_SKEW, ticks=1, share=0.5, skew_ms=0),
    ],
)
def test_impossible_rules_are_refused(spec: FaultSpec) -> None:
    with pytest.raises(FaultError):
        Harness().injector.add(spec)
