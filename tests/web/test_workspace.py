"""The web workspace's own checks, so that `make test` (pytest) covers them: the Vitest unit
tests of web/shared (formatting, base-unit maths, account decoders), strict TypeScript and ESLint
of every package."""

from __future__ import annotations

import subprocess

import pytest

from gridtokenx.config import get_settings
from gridtokenx.stack.services.web import ensure_build, ensure_dependencies, web_dir

_TIMEOUT_S = 600


@pytest.fixture(scope="module")
def workspace() -> str:
    settings = get_settings()
    ensure_dependencies(settings)
    # The apps' type checks read the route types `next build` generates.
    for app in ("trading", "admin"):
        ensure_build(settings, app)
    return str(web_dir(settings))


@pytest.mark.parametrize("script", ["test", "typecheck", "lint"])
def test_npm_script_passes(workspace: str, script: str) -> None:
    result = subprocess.run(
        [get_settings().web.npm_bin, "run", script],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, f"npm run {script}:\n{(result.stdout + result.stderr)[-4000:]}"
