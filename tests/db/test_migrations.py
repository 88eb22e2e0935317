from __future__ import annotations

import psycopg
import pytest
from alembic import command
from alembic.script import ScriptDirectory

from gridtokenx.config import Settings
from gridtokenx.db.errors import DatabaseUnavailableError, SchemaAheadError
from gridtokenx.db.migrate import alembic_config, current_revision, upgrade_to_head
from tests.utils.databases import scratch_database
from tests.utils.ports import free_port

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


def test_unreachable_database_is_a_clear_error(running_stack: Settings) -> None:
    closed = running_stack.postgres.model_copy(update={"port": free_port()})
    with pytest.raises(DatabaseUnavailableError, match="gridtokenx stack up postgres"):
        upgrade_to_head(closed.url)
    with pytest.raises(DatabaseUnavailableError):
        current_revision(closed.url)


def test_database_migrated_by_newer_code_is_refused(running_stack: Settings) -> None:
    with scratch_database(running_stack.postgres) as postgres:
        upgrade_to_head(postgres.url)
        with psycopg.connect(postgres.url) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        with pytest.raises(SchemaAheadError, match="not one this checkout knows"):
            upgrade_to_head(postgres.url)
