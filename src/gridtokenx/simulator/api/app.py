"""The control API's FastAPI application around one :class:`Runner`.

The lifespan binds the stream hub to the server's event loop, recovers the stored run (a run
that was running goes on; a stopped one starts if ``autostart``) and drives it in one thread,
which it stops again on shutdown. Endpoints are plain functions: FastAPI runs them in its
thread pool, so a command waiting for the runner's lock never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from gridtokenx.errors import GridTokenXError
from gridtokenx.simulator.api import faults, fleet, grid, health, meters, run, scenario, stream
from gridtokenx.simulator.api import weather as weather_router
from gridtokenx.simulator.api.context import ApiContext, ScenarioDefaults
from gridtokenx.simulator.api.errors import install_error_handlers
from gridtokenx.simulator.api.stream_hub import StreamHub
from gridtokenx.simulator.runner import Runner

_log = logging.getLogger(__name__)
_JOIN_TIMEOUT_S = 30.0


def create_app(runner: Runner, defaults: ScenarioDefaults, *, autostart: bool) -> FastAPI:
    """The API over ``runner``, whose run must be loaded (:meth:`Runner.load`)."""
    api = ApiContext(runner=runner, defaults=defaults)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        api.hub = StreamHub(asyncio.get_running_loop())
        runner.add_listener(api.hub.publish)
        driver = threading.Thread(
            target=_recover_then_serve, args=(runner, autostart), name="simulator-runner"
        )
        driver.start()
        try:
            yield
        finally:
            runner.close()
            await asyncio.to_thread(driver.join, _JOIN_TIMEOUT_S)

    app = FastAPI(title="GridTokenX smart-meter simulator", version="1", lifespan=lifespan)
    app.state.api = api
    install_error_handlers(app)
    for module in (health, run, scenario, fleet, weather_router, meters, grid, faults, stream):
        app.include_router(module.router)
    return app


def _recover_then_serve(runner: Runner, autostart: bool) -> None:
    try:
        runner.recover(autostart)
    except GridTokenXError as exc:
        # The API stays up so that the run can be fixed (new seed, PostgreSQL back...).
        _log.error("could not resume the stored run: %s", exc)
        runner.last_error = str(exc)
    runner.serve()
