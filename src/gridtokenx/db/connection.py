"""One PostgreSQL connection per store, re-opened after the server went away.

Every repository of the platform uses it the same way: ``with db.transaction() as connection``.
A lost or refused server surfaces as the store's own "unavailable" error (callers retry), and the
next transaction connects again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

_CONNECT_TIMEOUT_S = 5

Connection = psycopg.Connection[tuple[Any, ...]]


class ReconnectingConnection:
    def __init__(self, database_url: str, unavailable: Callable[[str], Exception]) -> None:
        """``unavailable`` builds the error raised, from the driver's message, when the server
        cannot be reached or drops the connection."""
        self._url = database_url
        self._unavailable = unavailable
        self._connection: Connection | None = None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        if self._connection is None or self._connection.closed:
            try:
                self._connection = psycopg.connect(self._url, connect_timeout=_CONNECT_TIMEOUT_S)
            except psycopg.OperationalError as exc:
                raise self._unavailable(str(exc)) from exc
        connection = self._connection
        try:
            with connection.transaction():
                yield connection
        except psycopg.OperationalError as exc:
            # Covers AdminShutdown and every other sign that the server went away.
            connection.close()
            self._connection = None
            raise self._unavailable(str(exc)) from exc
