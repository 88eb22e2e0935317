"""The system packages that compile on-chain C programs (Debian's clang-16 and lld-16)."""

from __future__ import annotations

from gridtokenx.stack.system import ensure_packages

TOOLCHAIN_PACKAGES = ["clang-16", "lld-16"]


def ensure_toolchain() -> list[str]:
    """Install clang-16 and lld-16 when missing; returns the packages that were installed."""
    return ensure_packages(TOOLCHAIN_PACKAGES)
