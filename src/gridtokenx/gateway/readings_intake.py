"""``POST /v1/readings/batch``: device-signed readings from field meters onto ``meter-readings``.

Authentication is the device signature itself: every reading must verify (Ed25519, over its 56
bytes) against the device key its meter was commissioned with, and its meter must be known and
active. Only then are the meters' rate limits counted and the readings produced, as version-1
envelopes keyed by meter id, through :class:`~gridtokenx.telemetry.producer.ReadingProducer`.
A batch is all or nothing: one bad reading refuses it before anything is produced. The answer
(202) comes only after the broker acknowledged every record. Ingestion verifies again and
dead-letters what it refuses, and takes a reading only once (its registers must move forward),
so a replayed or re-sent batch cannot change the data.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import Sequence

from gridtokenx.gateway.energy_errors import (
    ReadingRejectedError,
    ReadingSignatureError,
    ReadingsNotAcknowledgedError,
)
from gridtokenx.gateway.energy_repository import EnergyRepository
from gridtokenx.gateway.energy_schemas import SignedReadingIn
from gridtokenx.gateway.meter_rate_limit import MeterRateLimiter
from gridtokenx.telemetry.errors import StorageUnavailableError
from gridtokenx.telemetry.producer import ReadingProducer
from gridtokenx.telemetry.reading import ReadingFormatError, decode_reading
from gridtokenx.telemetry.signatures import verify_each

_ACTIVE = 1


class AcknowledgedProducer:
    """A :class:`ReadingProducer` whose batches return once the broker acknowledged them.

    Batches go one at a time (``flush`` waits for everything queued, and its error list is the
    producer's), off the event loop."""

    def __init__(self, producer: ReadingProducer, ack_timeout_s: float) -> None:
        self._producer = producer
        self._ack_timeout_s = ack_timeout_s
        self._lock = asyncio.Lock()

    @property
    def topic(self) -> str:
        return self._producer.topic

    async def produce(self, records: Sequence[tuple[bytes, bytes, bytes]]) -> None:
        """``(meter_id, message, signature)`` records, acknowledged when this returns."""
        async with self._lock:
            await asyncio.to_thread(self._produce_and_flush, records)

    def _produce_and_flush(self, records: Sequence[tuple[bytes, bytes, bytes]]) -> None:
        for meter_id, message, signature in records:
            self._producer.publish(meter_id, message, signature)
        try:
            self._producer.flush(self._ack_timeout_s)
        except StorageUnavailableError as exc:
            raise ReadingsNotAcknowledgedError(
                f"Kafka did not acknowledge the readings within {self._ack_timeout_s} s; "
                "send the batch again (a reading is taken once)",
                {"service": "kafka"},
            ) from exc

    def close(self) -> None:
        # Nobody waits for these any more: their requests already answered 503.
        with contextlib.suppress(StorageUnavailableError):
            self._producer.flush(1.0)


class ReadingsIntake:
    def __init__(
        self,
        repository: EnergyRepository,
        limiter: MeterRateLimiter,
        producer: AcknowledgedProducer,
    ) -> None:
        self._repository = repository
        self._limiter = limiter
        self._producer = producer

    async def accept(self, readings: Sequence[SignedReadingIn], now_s: float) -> int:
        """Check, rate-limit and produce ``readings``; the count produced."""
        meter_ids: list[uuid.UUID] = []
        for index, reading in enumerate(readings):
            try:
                meter_ids.append(decode_reading(reading.message).meter_id)
            except ReadingFormatError as exc:
                raise ReadingRejectedError(str(exc), {"index": index}) from exc
        meters = await self._repository.meters(sorted(set(meter_ids)))
        for index, meter_id in enumerate(meter_ids):
            meter = meters.get(meter_id)
            if meter is None or meter.status != _ACTIVE:
                raise ReadingRejectedError(
                    f"reading {index}: meter {meter_id} is not a commissioned, active meter",
                    {"index": index, "meter_id": str(meter_id)},
                )
        triples = [
            (meters[meter_id].device_pubkey, reading.message, reading.signature)
            for meter_id, reading in zip(meter_ids, readings, strict=True)
        ]
        valid = await asyncio.to_thread(verify_each, triples)
        if not all(valid):
            index = valid.index(False)
            raise ReadingSignatureError(
                f"reading {index}: the signature does not verify against the device key of "
                f"meter {meter_ids[index]}",
                {"index": index, "meter_id": str(meter_ids[index])},
            )
        await self._limiter.admit(Counter(meter_ids), now_s)
        await self._producer.produce(
            [
                (meter_id.bytes, reading.message, reading.signature)
                for meter_id, reading in zip(meter_ids, readings, strict=True)
            ]
        )
        return len(readings)
