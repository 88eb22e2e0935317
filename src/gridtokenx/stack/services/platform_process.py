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
    reads_schema: ClassVar[bool] = False
    """Its tables must exist before it starts, even when it is brought up on its own
    (`stack up NAME`): prepare migrates the shared schema (idempotent)."""
    uses_chain: ClassVar[bool] = False
    """It talks to the chain node and reads the addresses file and keys of the chain's folder."""
    shared_settings: ClassVar[tuple[str, ...]] = ()
    """Further settings, dotted (``"market.trades_topic"``), it must read as the stack does."""

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

    def metrics_url(self) -> str:
        return self._metrics_url

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        if self.reads_schema:
            self._migrate_schema()

    def shared_env(self) -> dict[str, str]:
        """Settings the process must share with the stack (it reads the rest itself)."""
        settings = self.settings
        group = self.settings_group.upper()
        env = {
            **self._platform_env(),
            "GRIDTOKENX_KAFKA__HOST": settings.kafka.host,
            "GRIDTOKENX_KAFKA__PORT": str(settings.kafka.port),
            f"GRIDTOKENX_{group}__METRICS_HOST": self._metrics.metrics_host,
            f"GRIDTOKENX_{group}__METRICS_PORT": str(self._metrics.metrics_port),
        }
        if self.uses_chain:
            env.update(self._chain_env())
        for dotted in self.shared_settings:
            value: object = settings
            for part in dotted.split("."):
                value = getattr(value, part)
            env["GRIDTOKENX_" + dotted.upper().replace(".", "__")] = str(value)
        return env

    def _chain_env(self) -> dict[str, str]:
        chain = self.settings.chain
        env = {
            "GRIDTOKENX_CHAIN__HOST": chain.host,
            "GRIDTOKENX_CHAIN__RPC_PORT": str(chain.rpc_port),
            "GRIDTOKENX_CHAIN__WS_PORT": str(chain.ws_port),
        }
        if chain.state_dir is not None:
            env["GRIDTOKENX_CHAIN__STATE_DIR"] = str(chain.state_dir)
        return env

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
