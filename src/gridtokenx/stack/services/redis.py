"""Redis 7 from Debian: caches, sessions and pub/sub, with an append-only file for durability."""

from __future__ import annotations

import redis

from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.process import LaunchSpec
from gridtokenx.stack.services.base import Service, ServicePort

_TIMEOUT_S = 2.0


class RedisService(Service):
    name = "redis"
    version = "7"
    apt_packages = ("redis-server",)

    def ports(self) -> list[ServicePort]:
        settings = self.settings.redis
        return [ServicePort("resp", settings.host, settings.port, "GRIDTOKENX_REDIS__PORT")]

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)

    def launch_spec(self) -> LaunchSpec:
        settings = self.settings.redis
        return LaunchSpec(
            argv=(
                "/usr/bin/redis-server",
                "--bind",
                settings.host,
                "--port",
                str(settings.port),
                "--dir",
                str(self.home),
                "--daemonize",
                "no",
                "--protected-mode",
                "yes",
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--logfile",
                "",
            ),
            cwd=self.home,
            env=self._base_env(),
        )

    def check_health(self) -> None:
        settings = self.settings.redis
        client = redis.Redis(
            host=settings.host,
            port=settings.port,
            socket_timeout=_TIMEOUT_S,
            socket_connect_timeout=_TIMEOUT_S,
        )
        try:
            if client.ping() is not True:
                raise HealthCheckFailed("redis: PING did not answer PONG")
        except redis.RedisError as exc:
            raise HealthCheckFailed(f"redis: {exc}") from exc
        finally:
            client.close()
