"""The ingestion service (`gridtokenx telemetry ingest`): meter-readings → InfluxDB + PostgreSQL.

Health is its Prometheus endpoint answering with the ingestion counters: the process is up and
its metrics server runs in the same process as the consumer loop.
"""

from __future__ import annotations

import sys

import httpx

from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.process import LaunchSpec
from gridtokenx.stack.services.base import Service, ServicePort

_TIMEOUT_S = 3.0
_PROBE_METRIC = "gridtokenx_ingest_batches_total"


class IngestionService(Service):
    name = "ingestion"
    version = "1"
    """The schema version of the meter-readings records it reads."""

    def ports(self) -> list[ServicePort]:
        telemetry = self.settings.telemetry
        return [
            ServicePort(
                "metrics",
                telemetry.metrics_host,
                telemetry.metrics_port,
                "GRIDTOKENX_TELEMETRY__METRICS_PORT",
            )
        ]

    def urls(self) -> list[tuple[str, str]]:
        telemetry = self.settings.telemetry
        return [
            (
                "ingestion metrics (Prometheus)",
                f"http://{telemetry.metrics_host}:{telemetry.metrics_port}/metrics",
            )
        ]

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)

    def launch_spec(self) -> LaunchSpec:
        settings = self.settings
        # The process reads its own settings; these are the ones it must share with the stack.
        env = {
            "GRIDTOKENX_STATE_DIR": str(settings.state_dir),
            "GRIDTOKENX_POSTGRES__HOST": settings.postgres.host,
            "GRIDTOKENX_POSTGRES__PORT": str(settings.postgres.port),
            "GRIDTOKENX_POSTGRES__DATABASE": settings.postgres.database,
            "GRIDTOKENX_POSTGRES__USER": settings.postgres.user,
            "GRIDTOKENX_POSTGRES__PASSWORD": settings.postgres.password,
            "GRIDTOKENX_INFLUX__HOST": settings.influx.host,
            "GRIDTOKENX_INFLUX__PORT": str(settings.influx.port),
            "GRIDTOKENX_INFLUX__DATABASE": settings.influx.database,
            "GRIDTOKENX_KAFKA__HOST": settings.kafka.host,
            "GRIDTOKENX_KAFKA__PORT": str(settings.kafka.port),
            "GRIDTOKENX_TELEMETRY__METRICS_HOST": settings.telemetry.metrics_host,
            "GRIDTOKENX_TELEMETRY__METRICS_PORT": str(settings.telemetry.metrics_port),
        }
        return LaunchSpec(
            argv=(sys.executable, "-m", "gridtokenx", "telemetry", "ingest"),
            cwd=self.home,
            env={**self._base_env(), **env},
        )

    def check_health(self) -> None:
        telemetry = self.settings.telemetry
        url = f"http://{telemetry.metrics_host}:{telemetry.metrics_port}/metrics"
        try:
            response = httpx.get(url, timeout=_TIMEOUT_S)
        except httpx.HTTPError as exc:
            raise HealthCheckFailed(f"ingestion: {exc}") from exc
        if response.status_code != 200 or _PROBE_METRIC not in response.text:
            raise HealthCheckFailed(f"ingestion: {url} answered {response.status_code}")
