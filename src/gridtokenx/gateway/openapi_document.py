"""The gateway's OpenAPI document as the web workspace stores it (``web/shared/openapi.json``).

Built from the app without starting it (no service is contacted) and serialized
deterministically: keys sorted, two-space indent, a final newline. ``gridtokenx gateway openapi``
prints it; ``npm run api:update`` in ``web/shared`` writes it and regenerates the typed client.
"""

from __future__ import annotations

import json
from typing import Any

from gridtokenx.config import Settings
from gridtokenx.gateway.app import create_app


def openapi_document(settings: Settings | None = None) -> dict[str, Any]:
    document: dict[str, Any] = create_app(settings or Settings()).openapi()
    return document


def openapi_json(settings: Settings | None = None) -> str:
    return json.dumps(openapi_document(settings), indent=2, sort_keys=True) + "\n"
