"""Throw-away PostgreSQL databases on the running stack, for tests that need a clean schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from gridtokenx.config import PostgresSettings


@contextmanager
def scratch_database(postgres: PostgresSettings) -> Iterator[PostgresSettings]:
    """A new empty database, dropped afterwards; yields settings that point at it."""
    name = f"gtx_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres.url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield postgres.model_copy(update={"database": name})
    finally:
        with psycopg.connect(postgres.url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
