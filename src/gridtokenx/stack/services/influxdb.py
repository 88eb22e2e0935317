"""InfluxDB 1.x from Debian: the time series of meter readings, written as line protocol."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx

from gridtokenx.stack.errors import HealthCheckFailed, ServiceStartError
from gridtokenx.stack.process import LaunchSpec
from gridtokenx.stack.services.base import Service, ServicePort

_TIMEOUT_S = 3.0
READINGS_RETENTION_POLICY = "readings"
ROLLUPS_RETENTION_POLICY = "rollups"
_COUNT_READINGS = 'SELECT count(export_wh) FROM "readings"."readings"'
"""Readings stored under the retention policy and measurement ingestion writes to."""


class InfluxService(Service):
    name = "influxdb"
    version = "1.6"
    apt_packages = ("influxdb",)

    def ports(self) -> list[ServicePort]:
        influx = self.settings.influx
        return [
            ServicePort("http", influx.host, influx.port, "GRIDTOKENX_INFLUX__PORT"),
            ServicePort("rpc", influx.host, influx.rpc_port, "GRIDTOKENX_INFLUX__RPC_PORT"),
        ]

    def urls(self) -> list[tuple[str, str]]:
        influx = self.settings.influx
        query = urlencode({"db": influx.database, "q": _COUNT_READINGS})
        return [("meter readings count (InfluxQL)", f"{influx.url}/query?{query}")]

    @property
    def config_path(self) -> str:
        return str(self.home / "influxdb.conf")

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        influx = self.settings.influx
        (self.home / "influxdb.conf").write_text(
            f"""reporting-disabled = true
bind-address = "{influx.host}:{influx.rpc_port}"

[meta]
  dir = "{self.home}/meta"

[data]
  dir = "{self.home}/data"
  wal-dir = "{self.home}/wal"
  query-log-enabled = false

[http]
  enabled = true
  bind-address = "{influx.host}:{influx.port}"
  log-enabled = false

[monitor]
  store-enabled = false
"""
        )

    def launch_spec(self) -> LaunchSpec:
        return LaunchSpec(
            argv=("/usr/bin/influxd", "-config", self.config_path),
            cwd=self.home,
            env=self._base_env(),
        )

    def _query(self, client: httpx.Client, statement: str) -> dict[str, object]:
        response = client.post("/query", data={"q": statement})
        body: dict[str, object] = response.json()
        if response.status_code != 200:
            raise ServiceStartError(f"influxdb: {statement!r} failed: {body}")
        return body

    def check_ready(self) -> None:
        try:
            with httpx.Client(base_url=self.settings.influx.url, timeout=_TIMEOUT_S) as client:
                response = client.get("/ping")
        except httpx.HTTPError as exc:
            raise HealthCheckFailed(f"influxdb: {exc}") from exc
        if response.status_code != 204:
            raise HealthCheckFailed(f"influxdb: /ping answered {response.status_code}")

    def provision(self) -> None:
        influx = self.settings.influx
        database = influx.database
        policies = [
            (READINGS_RETENTION_POLICY, influx.readings_retention, " DEFAULT"),
            (ROLLUPS_RETENTION_POLICY, "INF", ""),
        ]
        with httpx.Client(base_url=influx.url, timeout=_TIMEOUT_S) as client:
            self._query(client, f'CREATE DATABASE "{database}"')
            for policy, duration, default in policies:
                body = self._query(
                    client,
                    f'CREATE RETENTION POLICY "{policy}" ON "{database}" '
                    f"DURATION {duration} REPLICATION 1{default}",
                )
                if "already exists" in str(body):
                    self._query(
                        client,
                        f'ALTER RETENTION POLICY "{policy}" ON "{database}" '
                        f"DURATION {duration}{default}",
                    )

    def check_health(self) -> None:
        self.check_ready()
        influx = self.settings.influx
        try:
            with httpx.Client(base_url=influx.url, timeout=_TIMEOUT_S) as client:
                response = client.post(
                    "/write",
                    params={"db": influx.database, "rp": READINGS_RETENTION_POLICY},
                    content=b"stack_health,source=stack ok=1i",
                )
        except httpx.HTTPError as exc:
            raise HealthCheckFailed(f"influxdb: {exc}") from exc
        if response.status_code != 204:
            raise HealthCheckFailed(
                f"influxdb: write answered {response.status_code}: {response.text.strip()}"
            )
