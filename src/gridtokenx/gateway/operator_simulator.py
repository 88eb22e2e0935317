"""Simulator control through the gateway: a client of the simulator's own control API.

The simulator service (``gridtokenx simulator serve``, ``simulator.host``/``simulator.port``)
already implements every control operators need — run start/stop/pause/resume/step, speed,
fleet size and kind mix, weather (cloud cover), fault injection rules — and persists its run in
PostgreSQL (``simulator_scenarios``, migration 0003). The gateway therefore adds no second
channel: it relays each change to that API over HTTP, on loopback, and answers with the
simulator's new state. The simulator's own refusals (``SimulatorStateError`` and so on) come back
as ``409 simulator_refused`` carrying the simulator's error and status; no answer becomes
``503 simulator_unavailable``.

Auditing: :meth:`SimulatorControl.change` (every change route uses it) makes the change inside
the PostgreSQL transaction that holds its audit row, and that transaction commits only after the
simulator accepted the change; a refused or unanswered change leaves no row. (A commit that
fails after the simulator accepted would leave the change unaudited; PostgreSQL failing in that
instant is the one gap of an external side effect.)
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from gridtokenx.config import SimulatorSettings
from gridtokenx.gateway.audit import record_audit
from gridtokenx.gateway.database import postgres_transaction
from gridtokenx.gateway.errors import SimulatorRefusedError, SimulatorUnavailableError

_TIMEOUT_S = 10.0


class ReasonedRequest(Protocol):
    """An operator's change: the simulator's request fields plus the audited ``reason``."""

    reason: str

    def model_dump(self, *, mode: str, exclude: set[str]) -> dict[str, Any]: ...


class SimulatorControl:
    def __init__(self, settings: SimulatorSettings) -> None:
        self.base_url = f"http://{settings.host}:{settings.port}"

    async def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """The simulator's JSON answer to ``method path`` (``path`` under ``/v1``)."""
        try:
            async with httpx.AsyncClient(base_url=self.base_url, timeout=_TIMEOUT_S) as client:
                response = await client.request(method, f"/v1{path}", json=body)
        except httpx.HTTPError as exc:
            raise SimulatorUnavailableError(
                f"the simulator's control API at {self.base_url} did not answer ({exc}); is "
                "`gridtokenx simulator serve` running?",
                {"service": "simulator", "url": self.base_url},
            ) from exc
        if response.status_code >= 500:
            raise SimulatorUnavailableError(
                f"the simulator answered {response.status_code}: {response.text[:300]}",
                {"service": "simulator", "status": response.status_code},
            )
        if response.status_code >= 400:
            try:
                answer = response.json()
            except ValueError:
                answer = {"error": "unknown", "detail": response.text[:300]}
            raise SimulatorRefusedError(
                f"the simulator refused: {answer.get('detail', answer)}",
                {
                    "simulator_status": response.status_code,
                    "simulator_error": answer.get("error"),
                    "simulator_detail": answer.get("detail"),
                },
            )
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    async def change(
        self,
        engine: AsyncEngine,
        actor_user_id: uuid.UUID,
        *,
        action: str,
        method: str,
        path: str,
        request: ReasonedRequest,
    ) -> Any:
        """Relay ``method path`` with ``request`` (without its reason; no body when nothing
        else is left) and audit it as ``simulator.<action>``, in one transaction."""
        body = request.model_dump(mode="json", exclude={"reason"}) or None
        async with postgres_transaction(engine) as connection:
            answer = await self.request(method, path, body)
            await record_audit(
                connection,
                actor_user_id=actor_user_id,
                action=f"simulator.{action}",
                target="simulator",
                reason=request.reason,
                details={"request": body or {}, "path": path},
            )
        return answer

    async def state(self) -> dict[str, Any]:
        """The run, fleet, weather and active fault rules, as the simulator reports them."""
        try:
            faults = await self.request("GET", "/faults")
        except SimulatorRefusedError:
            faults = []  # a stopped run has no fleet loaded, hence no fault rules
        return {
            "run": await self.request("GET", "/run"),
            "fleet": await self.request("GET", "/fleet"),
            "weather": await self.request("GET", "/weather"),
            "faults": faults,
        }
