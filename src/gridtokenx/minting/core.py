"""The minting rules, free of I/O: what to mint, how to batch it, how a submission ends.

The Registry's meter account is the only truth about what was minted: its export register only
moves forward and ``mint_from_reading`` mints exactly the difference. The ledger mirrors it per
meter (``ChainRegisters``) and records every submission, so the rules here make sure that

- a reading is submitted only when it moves the mirrored registers forward and no earlier
  submission of the same meter is still unresolved (at most one pending per meter);
- a submission is resolved from the chain alone (its signature's status, its blockhash's
  validity, the meter account), never by guessing; a reading the chain says it is already at or
  past is adopted from the meter account, never submitted again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum

from gridtokenx.chain.registry.errors import RegistryErrorCode
from gridtokenx.minting.errors import InvalidTransitionError

READINGS_PER_LEGACY_TRANSACTION = 3
"""Each reading adds 166 bytes of Ed25519 evidence and two account keys: 3 readings make a
1,079-byte legacy transaction, 4 would be 1,311 > the 1,232-byte packet."""

GXT_BASE_UNITS_PER_WH = 1_000
"""1 GXT (10^6 base units) is 1 kWh."""


class SubmissionStatus(StrEnum):
    PENDING = "pending"
    """Signed and recorded; it may or may not have reached the chain."""
    CONFIRMED = "confirmed"
    """Landed and succeeded: the meter's registers are the submission's."""
    SUPERSEDED = "superseded"
    """Will never land (expired, or refused because the chain was already past it); the meter's
    newest reading is submitted again in a new transaction if it still moves the chain."""
    FAILED = "failed"
    """Refused for good (a bad signature, a suspended meter): this reading is never retried."""


def transition(current: SubmissionStatus, new: SubmissionStatus) -> SubmissionStatus:
    """``new``, if a submission may move from ``current`` to it; only pending ones move."""
    if current is not SubmissionStatus.PENDING or new is SubmissionStatus.PENDING:
        raise InvalidTransitionError(
            f"a {current.value} submission cannot become {new.value}: only pending submissions "
            "are resolved, and each exactly once"
        )
    return new


@dataclass(frozen=True, slots=True)
class SignedWatermark:
    """A meter's newest accepted reading and the device's signature over its 56 bytes."""

    meter_id: uuid.UUID
    export_wh: int
    import_wh: int
    timestamp_ms: int
    signature: bytes


@dataclass(frozen=True, slots=True)
class ChainRegisters:
    """A meter account's registers as the ledger last confirmed them."""

    export_wh: int = 0
    import_wh: int = 0
    timestamp_ms: int = 0
    minted_wh: int = 0

    def advanced_by(self, reading: SignedWatermark) -> ChainRegisters:
        """The registers after the chain accepted ``reading`` (which must move them)."""
        if not moves_forward(self, reading):
            raise ValueError(f"reading {reading} does not move registers {self} forward")
        return ChainRegisters(
            export_wh=reading.export_wh,
            import_wh=reading.import_wh,
            timestamp_ms=reading.timestamp_ms,
            minted_wh=self.minted_wh + reading.export_wh - self.export_wh,
        )


def moves_forward(registers: ChainRegisters, reading: SignedWatermark) -> bool:
    """Whether the Registry would accept ``reading`` after ``registers`` (and mint > 0)."""
    return (
        reading.export_wh > registers.export_wh
        and reading.import_wh >= registers.import_wh
        and reading.timestamp_ms > registers.timestamp_ms
    )


@dataclass(frozen=True, slots=True)
class MeterMintState:
    """What the ledger knows about one registered meter when it picks readings to mint."""

    registers: ChainRegisters
    active: bool
    pending: bool
    """A submission of this meter is not resolved yet."""
    failed_timestamp_ms: int | None = None
    """The newest reading the chain refused for good; it is not submitted again."""


def select_mintable(
    watermarks: Iterable[SignedWatermark], meters: Mapping[uuid.UUID, MeterMintState]
) -> list[SignedWatermark]:
    """The watermarks to submit now, by meter id: signed, of a registered active meter with no
    pending submission, not refused for good, and moving its registers forward."""
    chosen = []
    for watermark in watermarks:
        meter = meters.get(watermark.meter_id)
        if (
            meter is None
            or not meter.active
            or meter.pending
            or meter.failed_timestamp_ms == watermark.timestamp_ms
            or not moves_forward(meter.registers, watermark)
        ):
            continue
        chosen.append(watermark)
    return sorted(chosen, key=lambda watermark: watermark.meter_id.bytes)


def batches(
    readings: Sequence[SignedWatermark], per_transaction: int = READINGS_PER_LEGACY_TRANSACTION
) -> list[list[SignedWatermark]]:
    """Consecutive groups of at most ``per_transaction`` readings, one per transaction."""
    if per_transaction < 1:
        raise ValueError(f"a transaction carries at least one reading, not {per_transaction}")
    return [
        list(readings[start : start + per_transaction])
        for start in range(0, len(readings), per_transaction)
    ]


class PendingResolution(Enum):
    CONFIRMED = "confirmed"
    """The signature landed and succeeded."""
    REFUSED = "refused"
    """The signature landed and failed: classify its error like a refusal at send time."""
    RESEND = "resend"
    """Not landed, blockhash still valid: it may still land; send the same bytes again."""
    EXPIRED = "expired"
    """Not landed and its blockhash expired: it never will; the reading may be rebuilt."""


@dataclass(frozen=True, slots=True)
class LandedStatus:
    """A signature's status on chain (``err`` None: it succeeded)."""

    err: object


def resolve_pending(landed: LandedStatus | None, blockhash_valid: bool) -> PendingResolution:
    """How a pending submission ends, from its signature status and its blockhash's validity.

    The caller must read the blockhash's validity *before* the signature status: a
    transaction can land up to the moment its blockhash expires, so "expired, then not found"
    proves it never will, while "not found, then expired" does not.
    """
    if landed is not None:
        return PendingResolution.CONFIRMED if landed.err is None else PendingResolution.REFUSED
    return PendingResolution.RESEND if blockhash_valid else PendingResolution.EXPIRED


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the chain refused a mint transaction, as far as the minter needs to know."""

    instruction_index: int | None
    """The failing instruction's index; None for a transaction-level error (fees, blockhash)."""
    registry_code: RegistryErrorCode | None
    """The Registry's error code when the Registry refused."""
    detail: str


class RefusalAction(Enum):
    ADOPT_CHAIN = "adopt_chain"
    """The chain is already at or past this reading: read the meter account, record its
    registers, and never submit this reading again."""
    ISOLATE = "isolate"
    """One reading of a batch is refused for good and the error does not say which: submit
    each reading of the batch in a transaction of its own."""
    FAIL = "fail"
    """This reading is refused for good (a signature the device did not make, a suspended
    meter, a wrong token account)."""
    RETRY = "retry"
    """Not about the readings (fees, a transient cluster error): submit them again later."""


_CHAIN_ALREADY_PAST = frozenset(
    {RegistryErrorCode.REGISTER_NOT_INCREASING, RegistryErrorCode.TIMESTAMP_NOT_INCREASING}
)


def refusal_action(
    refusal: Refusal, readings_in_transaction: int, mint_index: int
) -> RefusalAction:
    """What to do after ``refusal`` of a transaction of ``readings_in_transaction`` readings
    whose Ed25519 check is instruction ``mint_index - 1`` and mint is ``mint_index``."""
    ed25519_refused = refusal.instruction_index == mint_index - 1
    registry_refused = refusal.instruction_index == mint_index and refusal.registry_code is not None
    if not (ed25519_refused or registry_refused):
        return RefusalAction.RETRY
    if readings_in_transaction > 1:
        return RefusalAction.ISOLATE
    if registry_refused and refusal.registry_code in _CHAIN_ALREADY_PAST:
        return RefusalAction.ADOPT_CHAIN
    return RefusalAction.FAIL
