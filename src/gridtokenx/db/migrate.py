"""Bring a database to the newest schema (`gridtokenx db upgrade`; `stack up` runs it too)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.util.exc import CommandError

from gridtokenx.db.errors import DatabaseUnavailableError, SchemaAheadError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """Alembic's configuration without an ini file; ``database_url`` is a libpq URL."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", _sqlalchemy_url(database_url))
    return config


def _sqlalchemy_url(database_url: str) -> str:
    return database_url.replace("postgresql://", "postgresql+psycopg://", 1)


def upgrade_to_head(database_url: str) -> None:
    try:
        command.upgrade(alembic_config(database_url), "head")
    except sqlalchemy.exc.OperationalError as exc:
        raise DatabaseUnavailableError(str(exc.orig)) from exc
    except CommandError as exc:
        # Alembic cannot place a revision it has no script for: newer code migrated this database.
        raise SchemaAheadError(
            f"the database's schema is not one this checkout knows ({exc}): run the code that "
            "migrated it, or downgrade it with that code's `alembic downgrade`"
        ) from exc


def current_revision(database_url: str) -> str | None:
    """The revision the database is at, or None for a database never migrated."""
    engine = sqlalchemy.create_engine(_sqlalchemy_url(database_url))
    try:
        with engine.connect() as connection:
            revision: str | None = MigrationContext.configure(connection).get_current_revision()
            return revision
    except sqlalchemy.exc.OperationalError as exc:
        raise DatabaseUnavailableError(str(exc.orig)) from exc
    finally:
        engine.dispose()
