"""Errors of the schema tooling; see ``gridtokenx.errors`` for the whole tree."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class SchemaError(GridTokenXError):
    """The database's schema could not be read or migrated."""


class DatabaseUnavailableError(SchemaError):
    """PostgreSQL could not be reached to read or migrate the schema."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"PostgreSQL is not reachable ({detail}): start it with `gridtokenx stack up postgres`"
        )
        self.detail = detail


class SchemaAheadError(SchemaError):
    """The database is at a revision this checkout does not have (migrated by newer code)."""
