"""The matching service's errors have their place in the tree of gridtokenx.errors."""

from __future__ import annotations

import gridtokenx.errors
from gridtokenx.market import service_errors, wire


def test_service_errors_are_drawn_in_the_error_tree() -> None:
    tree = gridtokenx.errors.__doc__ or ""
    for cls in (
        service_errors.MatcherError,
        service_errors.SnapshotStoreError,
        service_errors.MatcherTransactionError,
        wire.WireFormatError,
    ):
        assert issubclass(cls, gridtokenx.errors.GridTokenXError)
        assert f"── {cls.__name__} " in tree, cls.__name__
