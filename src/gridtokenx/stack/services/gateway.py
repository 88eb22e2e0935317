"""The API gateway (`gridtokenx gateway serve`): REST under ``/v1`` on 127.0.0.1:8080.

It needs PostgreSQL (accounts; the schema is migrated before it starts) and Redis (nonces,
sessions). Its health is ``GET /v1/health``: 200 "ok" when both answer a real round trip from
the gateway, 503 "degraded" naming the one that does not. Either answer shows the gateway
itself is up; a dependency that is down is restored as the service it is.
"""

from __future__ import annotations

import sys

import httpx

from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.process import LaunchSpec
from gridtokenx.stack.services.base import Service, ServicePort

_TIMEOUT_S = 3.0


class GatewayService(Service):
    name = "gateway"
    version = "1"
    """The API's version (the ``/v1`` prefix)."""

    @property
    def _base_url(self) -> str:
        gateway = self.settings.gateway
        scheme = "https" if gateway.tls_cert_file else "http"
        return f"{scheme}://{gateway.host}:{gateway.port}"

    def ports(self) -> list[ServicePort]:
        gateway = self.settings.gateway
        return [ServicePort("http", gateway.host, gateway.port, "GRIDTOKENX_GATEWAY__PORT")]

    def urls(self) -> list[tuple[str, str]]:
        return [("API gateway (OpenAPI UI)", f"{self._base_url}/docs")]

    def metrics_url(self) -> str:
        return f"{self._base_url}/metrics"

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self._migrate_schema()

    def launch_spec(self) -> LaunchSpec:
        return LaunchSpec(
            argv=(sys.executable, "-m", "gridtokenx", "gateway", "serve"),
            cwd=self.home,
            env={**self._base_env(), **self._settings_env()},
        )

    def _settings_env(self) -> dict[str, str]:
        """The settings the process must share with the stack (it reads the rest itself)."""
        settings = self.settings
        gateway = settings.gateway
        env = {
            **self._platform_env(),
            "GRIDTOKENX_REDIS__HOST": settings.redis.host,
            "GRIDTOKENX_REDIS__PORT": str(settings.redis.port),
            "GRIDTOKENX_GATEWAY__HOST": gateway.host,
            "GRIDTOKENX_GATEWAY__PORT": str(gateway.port),
            "GRIDTOKENX_GATEWAY__WORKERS": str(gateway.workers),
            "GRIDTOKENX_GATEWAY__SERVER": gateway.server,
        }
        for name, path in (
            ("TLS_CERT_FILE", gateway.tls_cert_file),
            ("TLS_KEY_FILE", gateway.tls_key_file),
        ):
            if path is not None:
                env[f"GRIDTOKENX_GATEWAY__{name}"] = str(path)
        return env

    def check_health(self) -> None:
        url = f"{self._base_url}/v1/health"
        try:
            # verify=False: a local self-signed certificate must not fail the liveness probe.
            response = httpx.get(url, timeout=_TIMEOUT_S, verify=False)  # noqa: S501
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise HealthCheckFailed(f"gateway: {exc}") from exc
        # "degraded" (503) is the gateway answering that PostgreSQL or Redis does not: those are
        # services of their own, which the stack restores; restarting the gateway would not help.
        answered = {(200, "ok"), (503, "degraded")}
        if (response.status_code, body.get("status")) not in answered:
            raise HealthCheckFailed(f"gateway: /v1/health answered {response.status_code} {body!r}")
