"""The oracle's pure core does no I/O: its modules import no network, process or chain client."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import gridtokenx.oracle

ORACLE_DIR = Path(gridtokenx.oracle.__file__).parent
PURE_MODULES = ["errors", "feeds", "price_update", "quotes", "valuation"]
ALLOWED_PREFIXES = (
    "__future__",
    "dataclasses",
    "enum",
    "hashlib",
    "struct",
    "solders.pubkey",
    "gridtokenx.errors",
    "gridtokenx.oracle.errors",
    "gridtokenx.oracle.feeds",
    "gridtokenx.oracle.price_update",
    "gridtokenx.oracle.valuation",
)


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_modules_import_only_pure_things(module: str) -> None:
    tree = ast.parse((ORACLE_DIR / f"{module}.py").read_text())
    imported = [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert all(name.startswith(ALLOWED_PREFIXES) for name in imported), imported


def test_all_is_sorted() -> None:
    names = gridtokenx.oracle.__all__
    assert names == sorted(names, key=lambda name: (not name[0].isupper(), name))
