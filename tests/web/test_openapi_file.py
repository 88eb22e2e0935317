"""web/shared/openapi.json (and the client types generated from it) must be the gateway's
current document: regenerate both with `npm run api:update` in web/shared."""

from __future__ import annotations

import json
import subprocess
import sys

from gridtokenx.config import Settings, get_settings
from gridtokenx.gateway.openapi_document import openapi_document, openapi_json
from gridtokenx.stack.services.web import ensure_dependencies, web_dir

_FIX = "stale: run `npm run api:update` in web/shared and commit openapi.json and src/api/schema.ts"


def test_openapi_json_is_the_gateways_document() -> None:
    shared = web_dir(get_settings()) / "shared"
    stored = (shared / "openapi.json").read_text()
    assert json.loads(stored) == openapi_document(Settings()), _FIX
    assert stored == openapi_json(Settings()), "openapi.json is not in the canonical form; " + _FIX


def test_the_generated_client_types_match_openapi_json() -> None:
    settings = get_settings()
    ensure_dependencies(settings)
    shared = web_dir(settings) / "shared"
    tool = web_dir(settings) / "node_modules" / ".bin" / "openapi-typescript"
    generated = subprocess.run(
        [str(tool), "openapi.json"],
        cwd=shared,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert generated == (shared / "src" / "api" / "schema.ts").read_text(), _FIX


def test_the_command_prints_the_document() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "gridtokenx", "gateway", "openapi"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert printed == openapi_json(Settings())
