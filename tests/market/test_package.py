"""The package's surface and purity: sorted exports, errors in the tree, no I/O, no floats."""

from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path

import gridtokenx.errors
import gridtokenx.market
from gridtokenx.market import errors

MARKET_DIR = Path(gridtokenx.market.__file__).parent
# The first-party modules the pure core may use: its own, the core types and the error root.
ALLOWED_FIRST_PARTY = ("gridtokenx.market", "gridtokenx.core", "gridtokenx.errors")
# The matching service's adapters (Kafka, PostgreSQL, metrics, CLI) sit beside the core; they
# alone may do I/O. The wire format and the market session are pure like the engine.
SERVICE_MODULES = frozenset({"cli.py", "kafka_io.py", "metrics.py", "service.py", "snapshots.py"})
# Tells which build of the core is loaded (sources or mypyc); reads files, never imported by it.
BUILD_MODULES = frozenset({"compiled.py"})


def _core_modules() -> list[Path]:
    return [
        path
        for path in sorted(MARKET_DIR.rglob("*.py"))
        if path.name not in SERVICE_MODULES | BUILD_MODULES
    ]


def _class_docstring(cls: type) -> str | None:
    # From the source: a class compiled by mypyc (make native) has no __doc__ at run time.
    source = MARKET_DIR / f"{cls.__module__.rpartition('.')[2]}.py"
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ClassDef) and node.name == cls.__name__:
            return ast.get_docstring(node)
    return None


def _sort_key(name: str) -> tuple[int, str]:
    # RUF022's order: SCREAMING_CASE names, then CamelCase, then the rest.
    return (0 if name.isupper() else 1 if name[0].isupper() else 2), name


def _imported_modules(path: Path) -> list[str]:
    modules: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module)
    return modules


def test_all_is_sorted_unique_and_importable() -> None:
    names = gridtokenx.market.__all__
    assert names == sorted(names, key=_sort_key)
    assert len(set(names)) == len(names)
    for name in names:
        value = getattr(gridtokenx.market, name)
        if inspect.isclass(value):
            assert (_class_docstring(value) or "").strip(), f"{name} has no docstring"


def test_every_market_error_is_drawn_in_the_error_tree() -> None:
    tree = gridtokenx.errors.__doc__ or ""
    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__
    ]
    assert len(classes) == 3
    for cls in classes:
        assert issubclass(cls, gridtokenx.errors.GridTokenXError)
        assert f"── {cls.__name__} " in tree, cls.__name__


def test_the_matching_core_imports_only_the_standard_library_and_core_types() -> None:
    # I/O, clocks, randomness and threads would each break "pure and deterministic".
    impure = {"io", "os", "socket", "subprocess", "pathlib", "time", "random", "threading"}
    for path in _core_modules():
        for module in _imported_modules(path):
            top = module.split(".")[0]
            if top == "gridtokenx":
                assert module.startswith(ALLOWED_FIRST_PARTY), f"{path.name} imports {module}"
            else:
                assert top in sys.stdlib_module_names or top == "__future__", (
                    f"{path.name} imports {module}, which is not in the standard library"
                )
                assert top not in impure, f"{path.name} imports {module}"


def test_the_matching_core_never_uses_float_or_true_division() -> None:
    for path in _core_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            assert not (isinstance(node, ast.Name) and node.id in {"float", "Decimal"}), path.name
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), path.name
            assert not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)), (
                f"{path.name}:{node.lineno} uses true division, which returns a float"
            )
