"""Which build of the matching core is running: the Python sources or their mypyc compilation.

``make native`` compiles the core's hot modules in place (``native/market_core.py``); Python
then imports ``engine.cpython-311-*.so`` instead of ``engine.py``. The sources remain the one
implementation, so the tests run unchanged against either build. This module, which the core
never imports, lets the tests and ``bench/matching.py`` see which build is loaded, detect a
build older than its sources, and load the sources on purpose for a side-by-side comparison.

Trade-offs of the compiled build, measured in ``bench/results/matching.txt``: it runs the
benchmark's commands about 1.4x faster; classes and functions of the compiled modules carry no
docstrings at run time (``help()`` shows signatures only; the sources have them); tracebacks
from inside them show no source lines; and after editing a compiled module the build must be
redone (``make native``) or the tests fail on the stale build.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
from importlib.abc import MetaPathFinder
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec, PathFinder
from importlib.util import spec_from_file_location
from pathlib import Path
from types import ModuleType
from typing import Final

PACKAGE: Final = "gridtokenx.market"
MANIFEST_NAME: Final = "_compiled.json"
"""Written by the build: the SHA-256 of each compiled module's source, by module name."""


def _package_dir() -> Path:
    return Path(__file__).resolve().parent


def compiled_modules() -> list[str]:
    """The loaded modules of ``gridtokenx.market`` that are compiled extension modules."""
    return sorted(
        name
        for name, module in list(sys.modules.items())
        if name.startswith(PACKAGE + ".") and _is_extension(module)
    )


def stale_modules() -> list[str]:
    """The compiled modules (loaded or not) whose source changed since the build.

    A module built without a manifest entry counts as stale: nothing says which source it
    was built from.
    """
    package_dir = _package_dir()
    manifest_path = package_dir / MANIFEST_NAME
    manifest: dict[str, str] = {}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    stale: list[str] = []
    for suffix in EXTENSION_SUFFIXES:
        for extension in sorted(package_dir.glob(f"*{suffix}")):
            stem = extension.name.removesuffix(suffix)
            source = package_dir / f"{stem}.py"
            if not source.exists():
                continue  # the shared library of the build has no source of its own
            name = f"{PACKAGE}.{stem}"
            if manifest.get(name) != hashlib.sha256(source.read_bytes()).hexdigest():
                stale.append(name)
    return stale


class _SourcesFirst(MetaPathFinder):
    """Finds a ``gridtokenx.market`` module's ``.py`` file even where an extension exists."""

    def find_spec(
        self, fullname: str, path: object = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if not fullname.startswith(PACKAGE + "."):
            return None
        spec = PathFinder.find_spec(fullname, path if isinstance(path, list) else None)
        if (
            spec is None
            or spec.origin is None
            or not spec.origin.endswith(tuple(EXTENSION_SUFFIXES))
        ):
            return None
        source = Path(spec.origin).parent / f"{fullname.rpartition('.')[2]}.py"
        return spec_from_file_location(fullname, source) if source.exists() else None


def load_sources() -> ModuleType:
    """Reload ``gridtokenx.market`` from its ``.py`` sources, ignoring any compiled build.

    For comparisons in a process of their own (``bench/matching.py --sources``): objects
    created before the call keep the classes of the build they came from.
    """
    if not any(isinstance(finder, _SourcesFirst) for finder in sys.meta_path):
        sys.meta_path.insert(0, _SourcesFirst())
    for name in [name for name in sys.modules if name.startswith(PACKAGE + ".")]:
        if name != __name__:
            del sys.modules[name]
    del sys.modules[PACKAGE]
    return importlib.import_module(PACKAGE)


def _is_extension(module: ModuleType) -> bool:
    return str(getattr(module, "__file__", "")).endswith(tuple(EXTENSION_SUFFIXES))
