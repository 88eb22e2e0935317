"""The minting service (`gridtokenx mint serve`): signed watermarks → GXT on chain.

It needs PostgreSQL (watermarks, its ledger) and the bootstrapped chain (chain-node provisions
the addresses file and the operator's keypair), so it starts after both; it registers the
simulator's commissioned meters on chain before minting them. Health is its Prometheus endpoint
answering with the minting counters.
"""

from __future__ import annotations

import sys

import httpx
import sqlalchemy

from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.stack.errors import HealthCheckFailed, PrerequisiteError
from gridtokenx.stack.process import LaunchSpec
from gridtokenx.stack.services.base import Service, ServicePort

_TIMEOUT_S = 3.0
_PROBE_METRIC = "gridtokenx_mint_cycles_total"


class MintingService(Service):
    name = "minting"
    version = "1"
    """The ledger's schema version (migration 0004)."""

    def ports(self) -> list[ServicePort]:
        minting = self.settings.minting
        return [
            ServicePort(
                "metrics",
                minting.metrics_host,
                minting.metrics_port,
                "GRIDTOKENX_MINTING__METRICS_PORT",
            )
        ]

    def urls(self) -> list[tuple[str, str]]:
        minting = self.settings.minting
        return [
            (
                "minting metrics (Prometheus)",
                f"http://{minting.metrics_host}:{minting.metrics_port}/metrics",
            )
        ]

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        # The ledger's tables must exist even when only this service is brought up.
        try:
            upgrade_to_head(self.settings.postgres.url)
        except sqlalchemy.exc.OperationalError as exc:
            raise PrerequisiteError(
                f"minting needs PostgreSQL running: `gridtokenx stack up postgres` ({exc.orig})"
            ) from exc

    def launch_spec(self) -> LaunchSpec:
        return LaunchSpec(
            argv=(sys.executable, "-m", "gridtokenx", "mint", "serve"),
            cwd=self.home,
            env={**self._base_env(), **self._settings_env()},
        )

    def _settings_env(self) -> dict[str, str]:
        """The settings the process must share with the stack (it reads the rest itself)."""
        settings = self.settings
        chain = settings.chain
        env = {
            "GRIDTOKENX_STATE_DIR": str(settings.state_dir),
            "GRIDTOKENX_POSTGRES__HOST": settings.postgres.host,
            "GRIDTOKENX_POSTGRES__PORT": str(settings.postgres.port),
            "GRIDTOKENX_POSTGRES__DATABASE": settings.postgres.database,
            "GRIDTOKENX_POSTGRES__USER": settings.postgres.user,
            "GRIDTOKENX_POSTGRES__PASSWORD": settings.postgres.password,
            "GRIDTOKENX_CHAIN__HOST": chain.host,
            "GRIDTOKENX_CHAIN__RPC_PORT": str(chain.rpc_port),
            "GRIDTOKENX_CHAIN__WS_PORT": str(chain.ws_port),
            "GRIDTOKENX_SIMULATOR__SCENARIO": settings.simulator.scenario,
            "GRIDTOKENX_MINTING__METRICS_HOST": settings.minting.metrics_host,
            "GRIDTOKENX_MINTING__METRICS_PORT": str(settings.minting.metrics_port),
        }
        if chain.state_dir is not None:
            env["GRIDTOKENX_CHAIN__STATE_DIR"] = str(chain.state_dir)
        return env

    def check_health(self) -> None:
        minting = self.settings.minting
        url = f"http://{minting.metrics_host}:{minting.metrics_port}/metrics"
        try:
            response = httpx.get(url, timeout=_TIMEOUT_S)
        except httpx.HTTPError as exc:
            raise HealthCheckFailed(f"minting: {exc}") from exc
        if response.status_code != 200 or _PROBE_METRIC not in response.text:
            raise HealthCheckFailed(f"minting: {url} answered {response.status_code}")
