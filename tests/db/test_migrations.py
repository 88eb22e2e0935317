from __future__ import annotations

import psycopg
import pytest
from alembic import command
from alembic.script import ScriptDirectory

from gridtokenx.config import Settings
from gridtokenx.db.migrate import alembic_config, current_revision, upgrade_to_head
from tests.utils.databases import scratch_database

pytestmark = pytest.mark.integration

TABLES = {"meters", "meter_intervals", "meter_watermarks", "ingest_offsets", "ingest_rejections"}


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    return {row[0] for row in rows} - {"alembic_version"}


def test_upgrade_then_downgrade_on_an_empty_database(running_stack: Settings) -> None:
    with scratch_database(running_stack.postgres) as postgres:
        assert current_revision(postgres.url) is None
        upgrade_to_head(postgres.url)
        head = ScriptDirectory.from_config(alembic_config(postgres.url)).get_current_head()
        assert current_revision(postgres.url) == head
        assert _tables(postgres.url) >= TABLES
        upgrade_to_head(postgres.url)  # idempotent
        command.downgrade(alembic_config(postgres.url), "base")
        assert _tables(postgres.url) == set()


def test_the_stack_database_is_at_head(running_stack: Settings) -> None:
    url = running_stack.postgres.url
    assert (
        current_revision(url) == ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    )
