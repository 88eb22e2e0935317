"""The package's public surface: a sorted ``__all__`` and a standard-library-only core."""

from __future__ import annotations

import ast
import inspect
import re
import sys
from pathlib import Path

import gridtokenx.core
from gridtokenx.core import errors, ids, money, time, u64, units

CORE_DIR = Path(gridtokenx.core.__file__).parent
PUBLIC_MODULES = [errors, ids, money, time, u64, units]


def _ruff_sort_key(name: str) -> tuple[int, list[int | str]]:
    # The order ruff's RUF022 keeps: SCREAMING_CASE, then CamelCase, then the rest, naturally.
    group = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return group, [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def test_all_is_sorted_and_unique() -> None:
    names = gridtokenx.core.__all__
    assert names == sorted(names, key=_ruff_sort_key)
    assert len(set(names)) == len(names)


def test_all_lists_exactly_what_the_package_imports() -> None:
    imported = {
        name
        for name, value in vars(gridtokenx.core).items()
        if not name.startswith("_")
        and getattr(value, "__module__", None) != "builtins"
        and name not in {module.__name__.rsplit(".", 1)[1] for module in PUBLIC_MODULES}
        and name != "annotations"
    }
    assert set(gridtokenx.core.__all__) == imported
    for name in gridtokenx.core.__all__:
        assert getattr(gridtokenx.core, name) is not None


def test_every_public_function_and_class_is_documented() -> None:
    for name in gridtokenx.core.__all__:
        value = getattr(gridtokenx.core, name)
        if inspect.isfunction(value) or inspect.isclass(value):
            assert (value.__doc__ or "").strip(), f"{name} has no docstring"


def test_the_core_imports_only_the_standard_library() -> None:
    allowed_first_party = {"gridtokenx.core", "gridtokenx.errors"}
    for path in sorted(CORE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top == "gridtokenx":
                    assert any(
                        module == allowed or module.startswith(allowed + ".")
                        for allowed in allowed_first_party
                    ), f"{path.name} imports {module}"
                else:
                    assert top in sys.stdlib_module_names or top == "__future__", (
                        f"{path.name} imports {module}, which is not in the standard library"
                    )


def test_the_core_never_uses_float() -> None:
    for path in sorted(CORE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            assert not (isinstance(node, ast.Name) and node.id in {"float", "Decimal"}), path.name
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), path.name
            assert not isinstance(node, ast.BinOp) or not isinstance(node.op, ast.Div), (
                f"{path.name}:{node.lineno} uses true division, which returns a float"
            )
