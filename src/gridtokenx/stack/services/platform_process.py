"""A GridTokenX process of its own (`python -m gridtokenx ...`) run by the stack.

Its health is its Prometheus endpoint answering with one of its own counters: the metrics
server runs in the same process as the service's loop, so an answer means the process is up.
Each subclass names its command, its settings group (whose ``metrics_host`` and
``metrics_port`` it serves on) and the settings it must share with the stack.
"""

from __future__ import annotations

import sys
from typing import ClassVar, Protocol

import httpx

from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.process import LaunchSpec
from gridtokenx.stack.services.base import Service, ServicePort

_TIMEOUT_S = 3.0


class _MetricsSettings(Protocol):
    metrics_host: str
    metrics_port: int


class PlatformProcess(Service):
    command: ClassVar[tuple[str, ...]]
    """The ``gridtokenx`` subcommand, e.g. ``("telemetry", "ingest")``."""
    settings_group: ClassVar[str]
    """The settings group holding ``metrics_host`` and ``metrics_port``."""
    probe_metric: ClassVar[str]
    """A metric only this service exports: its presence proves the right process answers."""

    @property
    def _metrics(self) -> _MetricsSettings:
        group: _MetricsSettings = getattr(self.settings, self.settings_group)
        return group

    @property
    def _metrics_url(self) -> str:
        return f"http://{self._metrics.metrics_host}:{self._metrics.metrics_port}/metrics"

    def ports(self) -> list[ServicePort]:
        setting = f"GRIDTOKENX_{self.settings_group.upper()}__METRICS_PORT"
        return [
            ServicePort("metrics", self._metrics.metrics_host, self._metrics.metrics_port, setting)
        ]

    def urls(self) -> list[tuple[str, str]]:
        return [(f"{self.name} metrics (Prometheus)", self._metrics_url)]

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)

    def shared_env(self) -> dict[str, str]:
        """Settings the process must share with the stack (it reads the rest itself)."""
        settings = self.settings
        group = self.settings_group.upper()
        return {
            "GRIDTOKENX_STATE_DIR": str(settings.state_dir),
            "GRIDTOKENX_POSTGRES__HOST": settings.postgres.host,
            "GRIDTOKENX_POSTGRES__PORT": str(settings.postgres.port),
            "GRIDTOKENX_POSTGRES__DATABASE": settings.postgres.database,
            "GRIDTOKENX_POSTGRES__USER": settings.postgres.user,
            "GRIDTOKENX_POSTGRES__PASSWORD": settings.postgres.password,
            "GRIDTOKENX_KAFKA__HOST": settings.kafka.host,
            "GRIDTOKENX_KAFKA__PORT": str(settings.kafka.port),
            f"GRIDTOKENX_{group}__METRICS_HOST": self._metrics.metrics_host,
            f"GRIDTOKENX_{group}__METRICS_PORT": str(self._metrics.metrics_port),
        }

    def launch_spec(self) -> LaunchSpec:
        return LaunchSpec(
            argv=(sys.executable, "-m", "gridtokenx", *self.command),
            cwd=self.home,
            env={**self._base_env(), **self.shared_env()},
        )

    def check_health(self) -> None:
        try:
            response = httpx.get(self._metrics_url, timeout=_TIMEOUT_S)
        except httpx.HTTPError as exc:
            raise HealthCheckFailed(f"{self.name}: {exc}") from exc
        if response.status_code != 200 or self.probe_metric not in response.text:
            raise HealthCheckFailed(
                f"{self.name}: {self._metrics_url} answered {response.status_code} "
                f"without {self.probe_metric}"
            )
