"""Errors of the local stack manager; see ``gridtokenx.errors`` for the whole tree."""

from __future__ import annotations

from gridtokenx.errors import GridTokenXError


class StackError(GridTokenXError):
    """The local services could not be managed."""


class PrerequisiteError(StackError):
    """A tool, package or resource the stack needs is missing (Java, apt, Maven, disk space)."""


class PortInUseError(StackError):
    """A service's port is taken by a process that the stack did not start."""


class ServiceStartError(StackError):
    """A service did not start, or did not become healthy in time."""


class UnknownServiceError(StackError):
    """A service name that the stack does not declare."""


class HealthCheckFailed(StackError):  # noqa: N818 - reads as a fact in status output
    """A service answered its health check wrongly or not at all."""
