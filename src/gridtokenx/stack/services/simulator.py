"""The smart-meter simulator service (`gridtokenx simulator serve`): fleet loop + control API.

It needs PostgreSQL (scenarios, commissioned meters) and Kafka (``meter-readings``), so it
starts after them; with ``simulator.autostart`` its default fleet starts publishing at once.
"""

from __future__ import annotations

import sys

import httpx

from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.process import LaunchSpec
from gridtokenx.stack.services.base import Service, ServicePort

_TIMEOUT_S = 3.0


class SimulatorService(Service):
    name = "simulator"
    version = "1"
    """The control API's version (the ``/v1`` prefix)."""

    def ports(self) -> list[ServicePort]:
        simulator = self.settings.simulator
        return [ServicePort("http", simulator.host, simulator.port, "GRIDTOKENX_SIMULATOR__PORT")]

    def urls(self) -> list[tuple[str, str]]:
        base = f"http://{self.settings.simulator.host}:{self.settings.simulator.port}"
        return [
            ("simulator control API (OpenAPI UI)", f"{base}/docs"),
            ("live grid telemetry (WebSocket)", f"{base.replace('http', 'ws', 1)}/v1/stream"),
        ]

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        # The service reads its scenario at start: the schema must be there even when only
        # this service is brought up (`stack up simulator`). Migrating is idempotent.
        self._migrate_schema()

    def launch_spec(self) -> LaunchSpec:
        simulator = self.settings.simulator
        return LaunchSpec(
            argv=(
                sys.executable,
                "-m",
                "gridtokenx",
                "simulator",
                "serve",
                "--host",
                simulator.host,
                "--port",
                str(simulator.port),
            ),
            cwd=self.home,
            env={**self._base_env(), **self._settings_env()},
        )

    def _settings_env(self) -> dict[str, str]:
        """The settings the process must share with the stack (it reads the rest itself)."""
        settings = self.settings
        return {
            **self._platform_env(),
            "GRIDTOKENX_KAFKA__HOST": settings.kafka.host,
            "GRIDTOKENX_KAFKA__PORT": str(settings.kafka.port),
            "GRIDTOKENX_TELEMETRY__READINGS_TOPIC": settings.telemetry.readings_topic,
            "GRIDTOKENX_SIMULATOR__SCENARIO": settings.simulator.scenario,
            "GRIDTOKENX_SIMULATOR__AUTOSTART": str(settings.simulator.autostart).lower(),
            "GRIDTOKENX_SIMULATOR__DEFAULT_METER_COUNT": str(
                settings.simulator.default_meter_count
            ),
            "GRIDTOKENX_SIMULATOR__DEFAULT_SEED": str(settings.simulator.default_seed),
            "GRIDTOKENX_SIMULATOR__DEFAULT_MODE": settings.simulator.default_mode,
            "GRIDTOKENX_SIMULATOR__DEFAULT_SPEED": str(settings.simulator.default_speed),
            "GRIDTOKENX_SIMULATOR__DEFAULT_INTERVAL_MS": str(
                settings.simulator.default_interval_ms
            ),
            "GRIDTOKENX_SIMULATOR__DEFAULT_LOOKBACK_H": str(settings.simulator.default_lookback_h),
        }

    def check_health(self) -> None:
        simulator = self.settings.simulator
        url = f"http://{simulator.host}:{simulator.port}/v1/health"
        try:
            response = httpx.get(url, timeout=_TIMEOUT_S)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise HealthCheckFailed(f"simulator: {exc}") from exc
        if body != {"status": "ok"}:
            raise HealthCheckFailed(f"simulator: /v1/health answered {body!r}")
