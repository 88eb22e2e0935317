"""Alembic's entry point: runs the migrations online against the configured URL."""

from __future__ import annotations

import sqlalchemy
from alembic import context

url = context.config.get_main_option("sqlalchemy.url")
if url is None:
    raise RuntimeError("sqlalchemy.url is not set; use gridtokenx.db.migrate.alembic_config()")
engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
