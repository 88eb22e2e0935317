"""The statements core stays pure: standard library, ``gridtokenx.core`` and pydyf only (no
database, network or configuration), its errors are drawn in the tree, ``__all__`` is sorted."""

from __future__ import annotations

import ast
from pathlib import Path

import gridtokenx.errors
import gridtokenx.statements
from gridtokenx.statements import MonthError, StatementError, TariffError

PACKAGE = Path(gridtokenx.statements.__file__).parent
ALLOWED = {
    "__future__",
    "collections",
    "csv",
    "dataclasses",
    "datetime",
    "io",
    "re",
    "typing",
    "pydyf",
    "gridtokenx.core",
    "gridtokenx.errors",
    "gridtokenx.statements",
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_core_imports_nothing_with_io() -> None:
    for path in PACKAGE.glob("*.py"):
        for name in _imports(path):
            assert any(name == allowed or name.startswith(f"{allowed}.") for allowed in ALLOWED), (
                f"{path.name} imports {name}"
            )


def test_errors_are_drawn_in_the_tree() -> None:
    tree = gridtokenx.errors.__doc__ or ""
    for cls in (StatementError, TariffError, MonthError):
        assert issubclass(cls, gridtokenx.errors.GridTokenXError)
        assert f"── {cls.__name__} " in tree, cls.__name__


def test_all_is_sorted() -> None:
    names = gridtokenx.statements.__all__
    assert names == sorted(names, key=lambda n: (not n[0].isupper(), n))
    assert set(names) <= set(vars(gridtokenx.statements))
