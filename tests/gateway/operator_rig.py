"""Helpers of the operator route tests: signed-in operator and non-operator clients on one app,
direct reads of the scratch database's audit log, and a simulator process to control."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
import psycopg
import uvicorn
from fastapi import FastAPI

from gridtokenx.config import PostgresSettings, Settings
from gridtokenx.simulator.service import build_process
from tests.gateway.wallet import BrowserWallet, bearer, sign_in
from tests.simulator.service.rig import ServiceRig, scenario_request, service_rig
from tests.utils.ports import free_port

REASON = {"reason": "test: checking the operator routes"}


@asynccontextmanager
async def second_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Another browser on the same (already started) app, with its own cookie jar."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


async def signed_in(client: httpx.AsyncClient, wallet: BrowserWallet) -> dict[str, str]:
    """The Authorization header of a fresh session of ``wallet``."""
    return bearer(await sign_in(client, wallet))


async def user_id_of(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    me = await client.get("/v1/me", headers=headers)
    assert me.status_code == 200, me.text
    value: str = me.json()["id"]
    return value


def audit_rows(postgres: PostgresSettings, target: str) -> list[dict[str, Any]]:
    with psycopg.connect(postgres.url) as connection:
        cursor = connection.execute(
            "SELECT id, occurred_at, actor_user_id, action, target, reason, details "
            "FROM audit_log WHERE target = %s ORDER BY id",
            (target,),
        )
        names = [column.name for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@contextmanager
def served_simulator(stack: Settings) -> Iterator[tuple[ServiceRig, int]]:
    """A simulator process (the service's own ``build_process``, on a private pipeline) serving
    its API on a free port, with a small frozen scenario."""
    with service_rig(stack) as rig:
        process = build_process(rig.settings)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(process.app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 30
            while not server.started:
                assert time.monotonic() < deadline, "the simulator API never started"
                time.sleep(0.05)
            frozen = httpx.put(
                f"http://127.0.0.1:{port}/v1/scenario", json=scenario_request(), timeout=30
            )
            assert frozen.status_code == 200, frozen.text
            yield rig, port
        finally:
            server.should_exit = True
            thread.join(30)
            process.close()
