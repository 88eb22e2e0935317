"""A consumer's deficit from the interval aggregates in a scratch PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest

from gridtokenx.agents.deficit import ImportReading
from gridtokenx.agents.energy import ImportEnergyReader
from gridtokenx.config import Settings
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.telemetry.repository import TelemetryRepository
from tests.utils.databases import scratch_database

pytestmark = pytest.mark.integration

START_MS = 1_790_000_000_000
INTERVAL_MS = 15 * 60_000


@pytest.fixture
def database_url(running_stack: Settings) -> Iterator[str]:
    with scratch_database(running_stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        yield postgres.url


def _meter(url: str) -> uuid.UUID:
    meter_id = uuid.uuid4()
    repository = TelemetryRepository(url)
    try:
        repository.commission_meter(
            meter_id,
            kind=2,
            device_pubkey=bytes(32),
            max_export_w=10_000,
            max_import_w=10_000,
            commissioned_at_ms=START_MS,
        )
    finally:
        repository.close()
    return meter_id


def _intervals(url: str, meter_id: uuid.UUID, registers: list[tuple[int, int]]) -> None:
    """Interval ``n`` starts ``n`` intervals after START_MS with import (first, last) Wh."""
    with psycopg.connect(url) as connection:
        for number, (first, last) in enumerate(registers):
            start_ms = START_MS + number * INTERVAL_MS
            connection.execute(
                "INSERT INTO meter_intervals VALUES (%s, %s, %s, %s, 0, 0, %s, %s)",
                (
                    meter_id,
                    datetime.fromtimestamp(start_ms / 1000, UTC),
                    start_ms,
                    start_ms + 60_000,
                    first,
                    last,
                ),
            )


def test_import_over_the_latest_intervals_counts_the_gaps_between_them(database_url: str) -> None:
    busy, quiet, silent = _meter(database_url), _meter(database_url), _meter(database_url)
    # Readings inside each interval miss the energy between the intervals (10 -> 12, ...).
    _intervals(database_url, busy, [(0, 10), (12, 30), (35, 60), (61, 100), (104, 150)])
    _intervals(database_url, quiet, [(500, 500)])
    reader = ImportEnergyReader(database_url)
    try:
        assert reader.imports([busy, quiet, silent], 2) == {
            busy: ImportReading(150, 150 - 61),
            quiet: ImportReading(500, 0),
        }
        assert reader.imports([busy], 4) == {busy: ImportReading(150, 150 - 12)}
        assert reader.imports([busy], 100) == {busy: ImportReading(150, 150)}
        assert reader.imports([], 4) == {}
    finally:
        reader.close()
