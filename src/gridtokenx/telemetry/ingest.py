"""The ingestion service: ``meter-readings`` → verified readings → InfluxDB and PostgreSQL.

Per batch of records: validate the whole batch at once (:mod:`~gridtokenx.telemetry.validation`,
signatures through the native key ring of :mod:`~gridtokenx.telemetry.signatures`), write the
accepted readings to InfluxDB (idempotent points), send the rejected records to the dead-letter
topic, then commit intervals, watermarks, rejection counts and the next offsets to PostgreSQL in
one transaction; only then do the in-memory watermarks move. Offsets live in PostgreSQL, not in
Kafka: on (re)assignment each partition resumes at the offset stored with the last applied
batch, so a crash loses nothing and PostgreSQL never applies a reading twice. While a store is
unavailable the batch is retried with exponential backoff; nothing further is consumed until it
lands.

Meters' profiles are read again every ``meter_refresh_ms``, and at once for the meters of a
batch with bad signatures (the batch is then judged again): an operator's device-key rotation
applies without a restart, and readings still signed by the old key are refused from then on.

Scale-out: run one process per share of partitions (same consumer group); a meter's readings
share its partition, so its watermark lives in exactly one process.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from confluent_kafka import OFFSET_BEGINNING, Consumer, Message, TopicPartition

from gridtokenx.config import Settings
from gridtokenx.kafka_records import is_record
from gridtokenx.telemetry import metrics
from gridtokenx.telemetry.dead_letter import DeadLetterPublisher
from gridtokenx.telemetry.errors import StorageUnavailableError
from gridtokenx.telemetry.influx_writer import InfluxWriter, line_protocol
from gridtokenx.telemetry.intervals import fold_interval_arrays
from gridtokenx.telemetry.repository import AppliedBatch, LatestReadings, TelemetryRepository
from gridtokenx.telemetry.signatures import SlotVerifier
from gridtokenx.telemetry.validation import (
    DUPLICATE,
    BatchVerdict,
    MeterProfile,
    MeterTable,
    RejectReason,
    SlotSignatureCheck,
    ValidationPolicy,
    Watermark,
    validate_batch,
)

T = TypeVar("T")
_log = logging.getLogger(__name__)


@dataclass
class IngestCounters:
    batches: int = 0
    accepted: int = 0
    duplicates: int = 0
    beyond_retention: int = 0
    """Accepted readings too old for InfluxDB's retention (kept in PostgreSQL only)."""
    profile_refreshes: int = 0
    """Full reads of the meters' profiles since the start."""
    device_key_changes: int = 0
    rejected: Counter[str] = field(default_factory=Counter)


class IngestionService:
    def __init__(
        self,
        settings: Settings,
        repository: TelemetryRepository,
        influx: InfluxWriter,
        dead_letter: DeadLetterPublisher,
        check_signatures: SlotSignatureCheck | None = None,
        now_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
    ) -> None:
        self._settings = settings
        self._telemetry = settings.telemetry
        self._repository = repository
        self._influx = influx
        self._dead_letter = dead_letter
        self._check_signatures = check_signatures or SlotVerifier()
        self._now_ms = now_ms
        self._meters = MeterTable()
        self._meter_tags: list[str] = []
        """Each slot's meter id as InfluxDB tag text."""
        self._profiles_due = 0.0
        """Monotonic time of the next full read of the meters' profiles."""
        self.counters = IngestCounters()
        self._stop = threading.Event()
        self._assigned = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def _with_retry(self, action: Callable[[], T], store: str) -> T:
        delay_ms = self._telemetry.retry_initial_ms
        while True:
            try:
                return action()
            except StorageUnavailableError as exc:
                if self._stop.is_set():
                    raise
                # A store is down: wait, then try the same batch again (nothing is skipped).
                _log.warning("%s unavailable (%s); retrying in %d ms", store, exc, delay_ms)
                metrics.STORE_RETRIES.labels(store).inc()
                self._stop.wait(delay_ms / 1000)
                delay_ms = min(delay_ms * 2, self._telemetry.retry_max_ms)

    def _consumer(self) -> Consumer:
        topic = self._telemetry.readings_topic

        def on_assign(consumer: Consumer, partitions: list[TopicPartition]) -> None:
            stored = self._with_retry(
                lambda: self._repository.load_offsets(self._telemetry.consumer_group, topic),
                "postgres",
            )
            for partition in partitions:
                partition.offset = stored.get(partition.partition, OFFSET_BEGINNING)
            consumer.assign(partitions)
            self._assigned.set()

        consumer = Consumer(
            {
                "bootstrap.servers": self._settings.kafka.bootstrap_servers,
                "group.id": self._telemetry.consumer_group,
                "group.instance.id": self._telemetry.instance_id,
                "session.timeout.ms": self._telemetry.session_timeout_ms,
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "fetch.max.bytes": 64 * 1024 * 1024,
            }
        )
        consumer.subscribe([topic], on_assign=on_assign)
        return consumer

    def run(self, max_idle_polls: int | None = None) -> IngestCounters:
        """Consume until :meth:`stop`, or until ``max_idle_polls`` empty polls in a row once the
        consumer has its partitions."""
        self._add_meters(*self._with_retry(self._repository.load_meters, "postgres"))
        self._profiles_due = self._next_full_refresh()
        consumer = self._consumer()
        idle = 0
        try:
            while not self._stop.is_set():
                if time.monotonic() >= self._profiles_due:
                    self._refresh_profiles(None)
                records = consumer.consume(
                    self._telemetry.batch_size, self._telemetry.poll_timeout_ms / 1000
                )
                if any(map(Message.error, records)):
                    records = [r for r in records if is_record(r)]
                if not records:
                    idle += self._assigned.is_set()
                    if max_idle_polls is not None and idle >= max_idle_polls:
                        break
                    continue
                idle = 0
                self.process(records)
        finally:
            consumer.close()
        return self.counters

    def _add_meters(
        self, profiles: dict[uuid.UUID, MeterProfile], watermarks: dict[uuid.UUID, Watermark]
    ) -> None:
        self._meters.add(profiles, watermarks)
        self._meter_tags.extend(str(m) for m in self._meters.meter_ids[len(self._meter_tags) :])

    def _learn_new_meters(self, keys: Sequence[bytes | None]) -> None:
        known = self._meters.slot_of
        unknown = {
            uuid.UUID(bytes=key)
            for key in set(keys)
            if key is not None and len(key) == 16 and key not in known
        }
        if unknown:
            self._add_meters(
                *self._with_retry(lambda: self._repository.load_meters(unknown), "postgres")
            )

    def _next_full_refresh(self) -> float:
        return time.monotonic() + self._telemetry.meter_refresh_ms / 1000

    def _refresh_profiles(self, meter_ids: Sequence[uuid.UUID] | None) -> bool:
        """Read the profiles of these meters (all when None) again; whether a device key
        changed."""
        profiles = self._with_retry(lambda: self._repository.load_profiles(meter_ids), "postgres")
        if meter_ids is None:
            self._profiles_due = self._next_full_refresh()
            self.counters.profile_refreshes += 1
        rekeyed = self._meters.update_profiles(profiles)
        for meter_id in rekeyed:
            _log.info("meter %s has a new device key; its old key's readings are refused", meter_id)
        self.counters.device_key_changes += len(rekeyed)
        metrics.DEVICE_KEY_CHANGES.inc(len(rekeyed))
        return bool(rekeyed)

    def _validate(self, keys: list[bytes | None], values: list[bytes | None]) -> BatchVerdict:
        return validate_batch(
            keys,
            values,
            self._meters,
            ValidationPolicy(self._now_ms(), self._telemetry.max_clock_skew_ms),
            self._check_signatures,
        )

    def process(self, records: Sequence[Message]) -> None:
        """Apply one batch of records (all from this consumer's assignment)."""
        with metrics.BATCH_SECONDS.time():
            self._process(records)

    def _process(self, records: Sequence[Message]) -> None:
        keys = list(map(Message.key, records))
        values = list(map(Message.value, records))
        self._learn_new_meters(keys)
        verdict = self._validate(keys, values)
        bad_signature = verdict.slots_rejected_for(RejectReason.BAD_SIGNATURE).tolist()
        if bad_signature and self._refresh_profiles(
            [self._meters.meter_ids[slot] for slot in bad_signature]
        ):
            verdict = self._validate(keys, values)
        rejections = verdict.rejected()
        rejected: Counter[str] = Counter()
        for index, rejection in rejections:
            rejected[rejection.reason.value] += 1
            self._dead_letter.publish(records[index], rejection)
        duplicates = int(np.count_nonzero(verdict.codes == DUPLICATE))
        partitions = np.fromiter(map(Message.partition, records), np.int64, len(records))
        offsets = np.fromiter(map(Message.offset, records), np.int64, len(records))
        next_offsets = {
            int(partition): int(offsets[partitions == partition].max()) + 1
            for partition in np.unique(partitions)
        }
        accepted = verdict.accepted()
        slots = verdict.slots[accepted]
        timestamp_ms = verdict.timestamp_ms[accepted]
        export_wh = verdict.export_wh[accepted]
        import_wh = verdict.import_wh[accepted]
        tags = self._meter_tags
        points = line_protocol(
            [tags[slot] for slot in slots.tolist()],
            export_wh.tolist(),
            import_wh.tolist(),
            timestamp_ms.tolist(),
        )
        beyond_retention = self._with_retry(lambda: self._influx.write(points), "influxdb")
        self._with_retry(self._dead_letter.flush, "kafka")
        latest = verdict.latest_accepted()
        batch = AppliedBatch(
            topic=self._telemetry.readings_topic,
            consumer_group=self._telemetry.consumer_group,
            next_offsets=next_offsets,
            meter_ids=tags,
            intervals=fold_interval_arrays(slots, timestamp_ms, export_wh, import_wh),
            latest=LatestReadings(
                [tags[slot] for slot in verdict.slots[latest].tolist()],
                verdict.timestamp_ms[latest].tolist(),
                verdict.export_wh[latest].tolist(),
                verdict.import_wh[latest].tolist(),
                [verdict.signature(index) for index in latest.tolist()],
            ),
            rejection_counts=dict(rejected),
        )
        self._with_retry(lambda: self._repository.apply(batch), "postgres")
        self._meters.advance(verdict)
        self.counters.batches += 1
        self.counters.accepted += len(accepted)
        self.counters.beyond_retention += beyond_retention
        self.counters.duplicates += duplicates
        self.counters.rejected.update(rejected)
        metrics.BATCHES.inc()
        metrics.ACCEPTED.inc(len(accepted))
        metrics.DUPLICATES.inc(duplicates)
        metrics.BEYOND_RETENTION.inc(beyond_retention)
        for reason, count in rejected.items():
            metrics.REJECTED.labels(reason).inc(count)
