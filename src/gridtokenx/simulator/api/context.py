"""What the routers share: the runner, the stream hub and the defaults of new runs."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request, WebSocket

from gridtokenx.simulator.api.stream_hub import StreamHub
from gridtokenx.simulator.runner import Runner


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioDefaults:
    lookback_ms: int
    """How far back a new accelerated or replay run starts when no start is given."""


@dataclass(slots=True, kw_only=True)
class ApiContext:
    runner: Runner
    defaults: ScenarioDefaults
    hub: StreamHub | None = None
    """Set when the server's event loop runs (see the app's lifespan)."""


def context(request: Request) -> ApiContext:
    api: ApiContext = request.app.state.api
    return api


def ws_context(websocket: WebSocket) -> ApiContext:
    api: ApiContext = websocket.app.state.api
    return api
