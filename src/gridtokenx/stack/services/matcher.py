"""The matching service (`gridtokenx market match`): order-commands → trades + book deltas.

Health is its Prometheus endpoint answering with the matcher's counters: the process is up and
its metrics server runs in the same process as the matching loop.
"""

from __future__ import annotations

import sys

import httpx

from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.process import LaunchSpec
from gridtokenx.stack.services.base import Service, ServicePort

_TIMEOUT_S = 3.0
_PROBE_METRIC = "gridtokenx_matcher_transactions_total"


class MatcherService(Service):
    name = "matcher"
    version = "1"
    """The version of the market wire format (gridtokenx.market.wire) it reads and writes."""

    def ports(self) -> list[ServicePort]:
        market = self.settings.market
        return [
            ServicePort(
                "metrics",
                market.metrics_host,
                market.metrics_port,
                "GRIDTOKENX_MARKET__METRICS_PORT",
            )
        ]

    def urls(self) -> list[tuple[str, str]]:
        market = self.settings.market
        return [
            (
                "matcher metrics (Prometheus)",
                f"http://{market.metrics_host}:{market.metrics_port}/metrics",
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
            "GRIDTOKENX_KAFKA__HOST": settings.kafka.host,
            "GRIDTOKENX_KAFKA__PORT": str(settings.kafka.port),
            "GRIDTOKENX_MARKET__METRICS_HOST": settings.market.metrics_host,
            "GRIDTOKENX_MARKET__METRICS_PORT": str(settings.market.metrics_port),
        }
        return LaunchSpec(
            argv=(sys.executable, "-m", "gridtokenx", "market", "match"),
            cwd=self.home,
            env={**self._base_env(), **env},
        )

    def check_health(self) -> None:
        market = self.settings.market
        url = f"http://{market.metrics_host}:{market.metrics_port}/metrics"
        try:
            response = httpx.get(url, timeout=_TIMEOUT_S)
        except httpx.HTTPError as exc:
            raise HealthCheckFailed(f"matcher: {exc}") from exc
        if response.status_code != 200 or _PROBE_METRIC not in response.text:
            raise HealthCheckFailed(f"matcher: {url} answered {response.status_code}")
