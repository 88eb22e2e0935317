"""The gateway's PostgreSQL engine: SQLAlchemy 2 async over asyncpg, one pool per worker."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from gridtokenx.config import PostgresSettings

_POOL_SIZE = 10
_CONNECT_TIMEOUT_S = 5


def async_url(postgres: PostgresSettings) -> str:
    return postgres.url.replace("postgresql://", "postgresql+asyncpg://", 1)


def create_engine(postgres: PostgresSettings) -> AsyncEngine:
    return create_async_engine(
        async_url(postgres),
        pool_size=_POOL_SIZE,
        pool_pre_ping=True,
        connect_args={"timeout": _CONNECT_TIMEOUT_S},
    )
