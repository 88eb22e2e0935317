"""Throw-away PostgreSQL databases on the running stack, for tests that need a clean schema."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from gridtokenx.config import PostgresSettings

_DROP_ATTEMPTS = 20


@contextmanager
def scratch_database(postgres: PostgresSettings) -> Iterator[PostgresSettings]:
    """A new empty database, dropped afterwards; yields settings that point at it."""
    name = f"gtx_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres.url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield postgres.model_copy(update={"database": name})
    finally:
        _drop(postgres, name)


def _drop(postgres: PostgresSettings, name: str) -> None:
    # FORCE may not terminate an autovacuum worker that is analysing the database at that
    # moment (PostgreSQL < 18 lets only superusers signal it): it finishes within moments.
    for attempt in range(_DROP_ATTEMPTS):
        try:
            with psycopg.connect(postgres.url, autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            return
        except psycopg.errors.InsufficientPrivilege:
            if attempt == _DROP_ATTEMPTS - 1:
                raise
            time.sleep(0.5)
