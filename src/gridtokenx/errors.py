"""The root of every error GridTokenX raises on purpose.

Each component adds its own branch; the message of every error says what went wrong and what the
user can do about it::

    GridTokenXError
    └── StackError                 gridtokenx.stack.errors: local services could not be managed
        ├── PrerequisiteError      a tool, package or resource the stack needs is missing
        ├── PortInUseError         a service's port is taken by a process the stack did not start
        ├── ServiceStartError      a service did not start or never became healthy
        └── UnknownServiceError    a service name that the stack does not declare
"""

from __future__ import annotations


class GridTokenXError(Exception):
    """Base class of all deliberate GridTokenX errors; ``str(error)`` is for the user."""
