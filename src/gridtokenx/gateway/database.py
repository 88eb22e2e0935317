"""The gateway's PostgreSQL engine: SQLAlchemy 2 async over asyncpg, one pool per worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from gridtokenx.config import PostgresSettings
from gridtokenx.gateway.errors import UnavailableError

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


@asynccontextmanager
async def postgres_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A transaction on ``engine``; an unreachable server or a dropped connection becomes
    :class:`UnavailableError` (503 with Retry-After), the same for every repository."""
    try:
        async with engine.begin() as connection:
            yield connection
    except (OperationalError, InterfaceError, OSError) as exc:
        raise UnavailableError(
            "PostgreSQL is not reachable; retry shortly", {"service": "postgres"}
        ) from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise UnavailableError(
                "PostgreSQL dropped the connection; retry shortly", {"service": "postgres"}
            ) from exc
        raise
