"""The metric names the platform's services define, and the ones an expression uses."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from pathlib import Path

from prometheus_client import REGISTRY

SOURCE_DIR = Path(__file__).parents[2] / "src" / "gridtokenx"
PROMETHEUS_BUILT_INS = frozenset({"up"})
"""Series Prometheus itself writes for every target."""
_SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "summary": ("", "_count", "_sum", "_created"),
    "info": ("_info",),
}
_PLATFORM_NAME = re.compile(r"\bgridtokenx_[a-z0-9_]+")
_BARE_UP = re.compile(r"(?<![\w\"'])up(?![\w\"'])")


def metrics_modules() -> list[str]:
    """Every ``metrics`` module of the platform (one per service), as module names."""
    return sorted(
        ".".join(path.relative_to(SOURCE_DIR.parent).with_suffix("").parts)
        for path in SOURCE_DIR.rglob("metrics.py")
    )


def defined_series() -> frozenset[str]:
    """The series names the services' metrics modules expose (``_total``, ``_bucket``...)."""
    for module in metrics_modules():
        importlib.import_module(module)
    names: set[str] = set(PROMETHEUS_BUILT_INS)
    for family in REGISTRY.collect():
        names.update(family.name + suffix for suffix in _SUFFIXES.get(family.type, ("",)))
    return frozenset(names)


def used_series(expressions: Iterable[str]) -> dict[str, set[str]]:
    """Each expression's platform series names (and ``up``)."""
    used: dict[str, set[str]] = {}
    for expression in expressions:
        names = set(_PLATFORM_NAME.findall(expression))
        if _BARE_UP.search(expression):
            names.add("up")
        used[expression] = names
    return used
