"""Fault injection: turn a tick's honest readings into the records a faulty fleet would send.

A :class:`FaultRule` applies one :class:`FaultKind` for a number of ticks, to chosen meters or
to a random share of the fleet drawn afresh each tick (from the fleet seed, the rule id and the
tick: the same seed gives the same faults). A meter suffers at most one fault per tick: a meter
held by a burst stays with it, then rules apply in the order they were added.

What each kind sends in place of the meter's honest record, and what ingestion does with it:

- ``offline``: nothing. The next reading covers the gap (accepted).
- ``corrupt``: the envelope cut short with its tail garbled (dead letter, ``malformed``).
- ``forged_signature``: the reading with its export register raised by 1 kWh, signed by another
  key (dead letter, ``bad_signature``).
- ``clock_skew``: the reading stamped ``skew_ms`` after the present (the wall clock, or the
  tick's end if later: replays run in the past) and signed by the meter itself (dead letter,
  ``future_timestamp``, when ``skew_ms`` exceeds ingestion's tolerance).
- ``duplicate``: the honest record twice (the copy is counted as a duplicate, never stored).
- ``burst``: nothing while the rule lasts, then every held reading at once, in order (accepted).

Pure: no I/O. Signing uses libsodium with keys derived as the fleet derives them.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt
from nacl.bindings import crypto_sign, crypto_sign_seed_keypair

from gridtokenx.simulator.errors import SimulatorError
from gridtokenx.simulator.fleet import FleetReadings
from gridtokenx.simulator.signing import derive_key_seed
from gridtokenx.telemetry.envelope import ENVELOPE_LEN, encode_envelope
from gridtokenx.telemetry.reading import READING_MESSAGE_LEN, SIGNATURE_LEN

FAULT_STREAM: Final = 0x46_41_55_4C_54
"""Seed key of the fault draws, apart from the fleet model's own streams."""
FORGER_KEY_TAG: Final = b"GRIDTOKENX:FORGER:1"
FORGED_EXPORT_BONUS_WH: Final = 1_000
DEFAULT_SKEW_MS: Final = 86_400_000
_EXPORT_OFFSET, _TIMESTAMP_OFFSET = 32, 48


class FaultKind(StrEnum):
    OFFLINE = "offline"
    CORRUPT = "corrupt"
    FORGED_SIGNATURE = "forged_signature"
    CLOCK_SKEW = "clock_skew"
    DUPLICATE = "duplicate"
    BURST = "burst"


class FaultError(SimulatorError):
    """A fault rule that cannot apply to this fleet (unknown meter, share outside 0..1...)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FaultSpec:
    """``kind`` for ``ticks`` ticks, to ``meter_indices`` or else to a random ``share``."""

    kind: FaultKind
    ticks: int
    meter_indices: tuple[int, ...] = ()
    share: float = 0.0
    skew_ms: int = DEFAULT_SKEW_MS


@dataclass(slots=True, kw_only=True)
class FaultRule:
    rule_id: int
    spec: FaultSpec
    remaining_ticks: int


@dataclass(frozen=True, slots=True, kw_only=True)
class OutRecord:
    """One Kafka record to send; ``fault`` is None for an honest, on-time reading.

    Released burst readings are honest too (``fault`` BURST marks them late); the second copy
    of a duplicate carries DUPLICATE.
    """

    key: bytes
    value: bytes
    meter_index: int
    timestamp_ms: int
    fault: FaultKind | None


class FaultInjector:
    """The active fault rules of one fleet and the readings bursts are holding back."""

    def __init__(self, fleet_seed: int, meter_ids: npt.NDArray[np.uint8]) -> None:
        self._seed = fleet_seed
        self._meter_ids = meter_ids
        self._rules: dict[int, FaultRule] = {}
        self._held: dict[int, dict[int, list[OutRecord]]] = {}
        self._to_release: list[OutRecord] = []
        self._next_id = 1
        self.injected: Counter[FaultKind] = Counter()
        self.last_faults: dict[int, FaultKind] = {}
        """The fault each meter suffered in the last tick (absent: honest)."""

    @property
    def rules(self) -> list[FaultRule]:
        return list(self._rules.values())

    def add(self, spec: FaultSpec) -> FaultRule:
        count = self._meter_ids.shape[0]
        if spec.ticks < 1:
            raise FaultError(f"a fault lasts at least 1 tick, got ticks={spec.ticks}")
        bad = [index for index in spec.meter_indices if not 0 <= index < count]
        if bad:
            raise FaultError(f"meter indices {bad} are outside this fleet of {count} meters")
        if not spec.meter_indices and not 0 < spec.share <= 1:
            raise FaultError(
                f"name meters or give a share in (0, 1] of the fleet, got share={spec.share}"
            )
        if spec.kind is FaultKind.CLOCK_SKEW and spec.skew_ms <= 0:
            raise FaultError(f"clock skew must be > 0 ms, got {spec.skew_ms}")
        rule = FaultRule(rule_id=self._next_id, spec=spec, remaining_ticks=spec.ticks)
        self._rules[rule.rule_id] = rule
        self._next_id += 1
        return rule

    def remove(self, rule_id: int) -> None:
        """End a rule now; readings a burst held go out with the next tick."""
        if self._rules.pop(rule_id, None) is None:
            raise FaultError(f"no active fault rule {rule_id}; list them with GET /v1/faults")
        self._release(rule_id)

    def apply(self, readings: FleetReadings, wall_now_ms: int) -> list[OutRecord]:
        """The records to send for ``readings`` at ``wall_now_ms``, in sending order."""
        assigned = self._assign(readings.timestamp_ms, readings.public_keys.shape[0])
        records, self._to_release = self._to_release, []
        self.last_faults = {}
        for index in range(readings.public_keys.shape[0]):
            honest = self._honest(readings, index)
            rule = assigned.get(index)
            if rule is None:
                records.append(honest)
                continue
            kind = rule.spec.kind
            self.last_faults[index] = kind
            self.injected[kind] += 1
            if kind is FaultKind.BURST:
                late = _with_fault(honest, FaultKind.BURST)
                self._held.setdefault(rule.rule_id, {}).setdefault(index, []).append(late)
            elif kind is FaultKind.DUPLICATE:
                records += [honest, _with_fault(honest, FaultKind.DUPLICATE)]
            elif kind is not FaultKind.OFFLINE:
                records.append(self._damaged(readings, index, rule, wall_now_ms))
        for rule in list(self._rules.values()):
            rule.remaining_ticks -= 1
            if rule.remaining_ticks == 0:
                del self._rules[rule.rule_id]
                self._release(rule.rule_id)
        records += self._to_release
        self._to_release = []
        return records

    def _assign(self, timestamp_ms: int, count: int) -> dict[int, FaultRule]:
        assigned: dict[int, FaultRule] = {}
        for rule_id, held in self._held.items():
            for index in held:
                assigned[index] = self._rules[rule_id]
        for rule in self._rules.values():
            spec = rule.spec
            if spec.meter_indices:
                chosen: list[int] = list(spec.meter_indices)
            else:
                rng = self._rng(rule.rule_id, timestamp_ms)
                chosen = np.flatnonzero(rng.random(count) < spec.share).tolist()
            for index in chosen:
                assigned.setdefault(index, rule)
        return assigned

    def _release(self, rule_id: int) -> None:
        for held in self._held.pop(rule_id, {}).values():
            self._to_release += held

    def _rng(self, rule_id: int, timestamp_ms: int, *keys: int) -> np.random.Generator:
        return np.random.default_rng(
            np.random.SeedSequence([self._seed, FAULT_STREAM, rule_id, timestamp_ms, *keys])
        )

    def _honest(self, readings: FleetReadings, index: int) -> OutRecord:
        return OutRecord(
            key=self._meter_ids[index].tobytes(),
            value=encode_envelope(_message(readings, index), _signature(readings, index)),
            meter_index=index,
            timestamp_ms=readings.timestamp_ms,
            fault=None,
        )

    def _damaged(
        self, readings: FleetReadings, index: int, rule: FaultRule, wall_now_ms: int
    ) -> OutRecord:
        message = _message(readings, index)
        kind = rule.spec.kind
        if kind is FaultKind.CORRUPT:
            rng = self._rng(rule.rule_id, readings.timestamp_ms, index)
            envelope = encode_envelope(message, _signature(readings, index))
            cut = int(rng.integers(1, ENVELOPE_LEN))
            # Keep the schema byte so the record reads as a damaged version-1 envelope.
            value = envelope[:1] + rng.bytes(cut - 1)
        elif kind is FaultKind.FORGED_SIGNATURE:
            export_wh = int.from_bytes(message[_EXPORT_OFFSET : _EXPORT_OFFSET + 8], "little")
            forged = (
                message[:_EXPORT_OFFSET]
                + (export_wh + FORGED_EXPORT_BONUS_WH).to_bytes(8, "little")
                + message[_EXPORT_OFFSET + 8 :]
            )
            value = encode_envelope(forged, _sign(forged, self._forger_seed(index)))
        else:
            skewed_ms = max(readings.timestamp_ms, wall_now_ms) + rule.spec.skew_ms
            skewed = message[:_TIMESTAMP_OFFSET] + skewed_ms.to_bytes(8, "little", signed=True)
            value = encode_envelope(skewed, _sign(skewed, derive_key_seed(self._seed, index)))
        return OutRecord(
            key=self._meter_ids[index].tobytes(),
            value=value,
            meter_index=index,
            timestamp_ms=readings.timestamp_ms,
            fault=kind,
        )

    def _forger_seed(self, index: int) -> bytes:
        return hashlib.sha256(
            FORGER_KEY_TAG + self._seed.to_bytes(8, "little") + index.to_bytes(8, "little")
        ).digest()


def _message(readings: FleetReadings, index: int) -> bytes:
    return readings.messages[index * READING_MESSAGE_LEN : (index + 1) * READING_MESSAGE_LEN]


def _signature(readings: FleetReadings, index: int) -> bytes:
    return readings.signatures[index * SIGNATURE_LEN : (index + 1) * SIGNATURE_LEN]


def _sign(message: bytes, key_seed: bytes) -> bytes:
    _, secret_key = crypto_sign_seed_keypair(key_seed)
    signed: bytes = crypto_sign(message, secret_key)
    return signed[:SIGNATURE_LEN]


def _with_fault(record: OutRecord, fault: FaultKind) -> OutRecord:
    return OutRecord(
        key=record.key,
        value=record.value,
        meter_index=record.meter_index,
        timestamp_ms=record.timestamp_ms,
        fault=fault,
    )
