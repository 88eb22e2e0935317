"""What every service managed by the stack provides.

A service declares its version, ports and Debian packages, prepares its files (idempotently),
says how to launch its process, provisions what the platform needs inside it once it is ready
(databases, users, topics; again idempotently) and checks its own health.
"""

from __future__ import annotations

import os
import pwd
import shutil
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from gridtokenx.config import Settings
from gridtokenx.db.errors import DatabaseUnavailableError
from gridtokenx.db.migrate import upgrade_to_head
from gridtokenx.stack.errors import PrerequisiteError
from gridtokenx.stack.process import LaunchSpec


@dataclass(frozen=True)
class ServicePort:
    """A TCP port a service listens on, with the environment variable that moves it."""

    label: str
    host: str
    port: int
    setting: str


class Service(ABC):
    name: ClassVar[str]
    version: ClassVar[str]
    """The version the stack runs (major or major.minor); the compose file must match it."""
    apt_packages: ClassVar[tuple[str, ...]] = ()
    run_as_user: ClassVar[str | None] = None
    """Account to run as when the stack runs as root."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def home(self) -> Path:
        """This service's own folder in the stack's state directory."""
        return self.settings.state_dir / self.name

    @abstractmethod
    def ports(self) -> list[ServicePort]: ...

    def prepare(self) -> None:  # noqa: B027 - most services need no preparation
        """Create folders, configuration and initial data; safe to call on every start."""

    @abstractmethod
    def launch_spec(self) -> LaunchSpec: ...

    def check_ready(self) -> None:
        """Raise HealthCheckFailed until the process accepts requests (before provisioning)."""
        self.check_health()

    def provision(self) -> None:  # noqa: B027 - most services need no provisioning
        """Create what the platform needs inside the running service; idempotent."""

    def urls(self) -> list[tuple[str, str]]:
        """What a person can open once the service runs: ``(what, address)`` pairs."""
        return []

    def metrics_url(self) -> str | None:
        """Where the service serves Prometheus metrics (``http://host:port/metrics``), or None
        when it serves none; the stack's Prometheus scrapes every service that names one."""
        return None

    @abstractmethod
    def check_health(self) -> None:
        """Raise HealthCheckFailed unless a real request round trip succeeds."""

    def _migrate_schema(self) -> None:
        """Bring the platform's schema up to date for a service that reads it at start (and may
        be brought up on its own, `stack up NAME`); migrating is idempotent."""
        try:
            upgrade_to_head(self.settings.postgres.url)
        except DatabaseUnavailableError as exc:
            raise PrerequisiteError(
                f"{self.name} needs PostgreSQL running: `gridtokenx stack up postgres` "
                f"({exc.detail})"
            ) from exc

    def _platform_env(self) -> dict[str, str]:
        """What every GridTokenX process shares with the stack: its state folder and database."""
        settings = self.settings
        postgres = settings.postgres
        return {
            "GRIDTOKENX_STATE_DIR": str(settings.state_dir),
            "GRIDTOKENX_POSTGRES__HOST": postgres.host,
            "GRIDTOKENX_POSTGRES__PORT": str(postgres.port),
            "GRIDTOKENX_POSTGRES__DATABASE": postgres.database,
            "GRIDTOKENX_POSTGRES__USER": postgres.user,
            "GRIDTOKENX_POSTGRES__PASSWORD": postgres.password,
        }

    def _base_env(self) -> dict[str, str]:
        return {key: os.environ[key] for key in ("PATH", "LANG", "TZ") if key in os.environ}

    def _ensure_reachable_by_run_as_user(self) -> None:
        """Refuse a state folder that the run-as account cannot enter (only when run as root)."""
        if self.run_as_user is None or os.geteuid() != 0:
            return
        for folder in [self.home, *self.home.parents]:
            if folder.exists() and not folder.stat().st_mode & 0o001:
                raise PrerequisiteError(
                    f"{self.name} runs as user {self.run_as_user!r}, which cannot enter {folder}: "
                    "set GRIDTOKENX_STATE_DIR to a folder that other users can traverse "
                    "(the default for root is /var/lib/gridtokenx)"
                )

    def _own_home(self) -> None:
        """Give the service's folder to its run-as account (only when the stack runs as root)."""
        self.home.mkdir(parents=True, exist_ok=True)
        if self.run_as_user is None or os.geteuid() != 0:
            return
        account = pwd.getpwnam(self.run_as_user)
        for folder, _, files in os.walk(self.home):
            shutil.chown(folder, account.pw_uid, account.pw_gid)
            for name in files:
                shutil.chown(os.path.join(folder, name), account.pw_uid, account.pw_gid)
