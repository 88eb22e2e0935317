"""Compile the hot modules of the matching core (``gridtokenx.market``) with mypyc, in place.

``make native`` runs this (see native/native.mk): mypyc, which comes with the ``mypy`` dev
dependency, translates ``MODULES`` to C and a C compiler builds one extension module per source
beside it (``engine.cpython-311-x86_64-linux-gnu.so`` next to ``engine.py``) plus their shared
library ``_compiled__mypyc``. Python imports an extension module before a source file of the
same name, so from then on the project runs the compiled core. The ``.py`` files stay the only
implementation; :mod:`gridtokenx.market.compiled` tells which build is loaded and whether it is
older than its sources, and ``bench/matching.py`` measures both builds side by side.

The build also writes ``MANIFEST``: the SHA-256 of each compiled source, which
``tests/market/test_compiled.py`` compares with the sources so that a stale build fails the
tests instead of running old code. ``python native/market_core.py --clean`` removes the build.
Needs a C compiler and the Python headers (``gcc``, ``python3-dev``).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Final

from mypyc.build import mypycify
from setuptools import setup  # type: ignore[import-untyped]

ROOT: Final = Path(__file__).resolve().parent.parent
PACKAGE_DIR: Final = ROOT / "src" / "gridtokenx" / "market"
BUILD_DIR: Final = ROOT / "build" / "mypyc-market"
MODULES: Final = ("auction", "book", "continuous", "emitter", "engine", "validation")
"""The modules a command runs through; the public types (orders, events, commands, config)
stay interpreted, since mypyc would drop their docstrings for no measurable gain."""
MANIFEST: Final = PACKAGE_DIR / "_compiled.json"
GROUP: Final = "gridtokenx.market._compiled"


def clean() -> None:
    """Remove the extension modules and the manifest: the project runs the sources again."""
    for path in PACKAGE_DIR.glob("*.so"):
        path.unlink()
    MANIFEST.unlink(missing_ok=True)


def build() -> None:
    clean()
    sources = [PACKAGE_DIR / f"{module}.py" for module in MODULES]
    setup(
        name="gridtokenx-market-core",
        package_dir={"": str(ROOT / "src")},
        ext_modules=mypycify(
            [str(source.relative_to(ROOT)) for source in sources],
            opt_level="3",
            group_name=GROUP,
            target_dir=str(BUILD_DIR / "c"),
        ),
        script_args=[
            "--quiet",
            "build_ext",
            "--inplace",
            "--build-temp",
            str(BUILD_DIR / "temp"),
            "--build-lib",
            str(BUILD_DIR / "lib"),
        ],
    )
    manifest = {
        f"gridtokenx.market.{source.stem}": hashlib.sha256(source.read_bytes()).hexdigest()
        for source in sources
    }
    MANIFEST.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--clean"]:
        clean()
    else:
        build()
