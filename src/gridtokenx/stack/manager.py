"""Bring the declared services up, report their status and stop them.

``up`` is idempotent: healthy services keep running (and are provisioned again, which is
idempotent); a service whose process died or stopped answering is (re)started; if anything
fails, whatever this call started is stopped again, so a failed ``up`` leaves nothing
half-started behind.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from gridtokenx.config import Settings
from gridtokenx.stack.errors import (
    HealthCheckFailed,
    ServiceStartError,
    StackError,
    UnknownServiceError,
)
from gridtokenx.stack.process import (
    PidFile,
    ProcessRecord,
    kill_orphaned_group,
    spawn,
    terminate,
)
from gridtokenx.stack.registry import SERVICE_TYPES
from gridtokenx.stack.services.base import Service
from gridtokenx.stack.system import ensure_free_disk, ensure_packages, ensure_port_free

_READY_POLL_S = 0.25
_LOG_TAIL_LINES = 5


class ServiceState(StrEnum):
    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"
    STOPPED = "stopped"


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    state: ServiceState
    version: str
    pid: int | None
    ports: dict[str, int] = field(default_factory=dict)
    detail: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "state": self.state.value,
            "version": self.version,
            "pid": self.pid,
            "ports": self.ports,
            "detail": self.detail,
        }


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


class StackManager:
    def __init__(self, settings: Settings, services: Sequence[Service] | None = None) -> None:
        self.settings = settings
        self.services = (
            list(services)
            if services is not None
            else [service_type(settings) for service_type in SERVICE_TYPES]
        )

    def select(self, names: Sequence[str] = ()) -> list[Service]:
        """The named services in start order; all of them when no name is given."""
        known = {service.name for service in self.services}
        unknown = [name for name in names if name not in known]
        if unknown:
            raise UnknownServiceError(
                f"unknown service {', '.join(unknown)}; the stack has: {', '.join(sorted(known))}"
            )
        return [s for s in self.services if not names or s.name in names]

    def pid_file(self, service: Service) -> PidFile:
        return PidFile(self.settings.state_dir / "run" / f"{service.name}.json")

    def log_path(self, service: Service) -> Path:
        return self.settings.state_dir / "logs" / f"{service.name}.log"

    def status(self, names: Sequence[str] = ()) -> list[ServiceStatus]:
        return [self._status_of(service) for service in self.select(names)]

    def _status_of(self, service: Service) -> ServiceStatus:
        ports = {port.label: port.port for port in service.ports()}
        pid_file = self.pid_file(service)
        recorded = pid_file.read()
        if recorded is None:
            return ServiceStatus(service.name, ServiceState.STOPPED, service.version, None, ports)
        if pid_file.live_record() is None:
            return ServiceStatus(
                service.name,
                ServiceState.UNHEALTHY,
                service.version,
                recorded.pid,
                ports,
                f"process {recorded.pid} is not running; `gridtokenx stack up` restarts it",
            )
        try:
            service.check_health()
        except HealthCheckFailed as exc:
            return ServiceStatus(
                service.name, ServiceState.UNHEALTHY, service.version, recorded.pid, ports, str(exc)
            )
        return ServiceStatus(
            service.name, ServiceState.HEALTHY, service.version, recorded.pid, ports
        )

    def up(self, names: Sequence[str] = (), progress: Progress = _quiet) -> list[ServiceStatus]:
        selected = self.select(names)
        ensure_free_disk(self.settings.state_dir, self.settings.stack.min_free_disk_mb)
        to_start = []
        for service in selected:
            current = self._status_of(service)
            if current.state is ServiceState.HEALTHY:
                # Provisioning is idempotent: a running stack picks up new databases,
                # migrations and topics without a restart.
                service.provision()
                progress(f"{service.name}: healthy (pid {current.pid})")
                continue
            if current.state is ServiceState.UNHEALTHY:
                progress(f"{service.name}: unhealthy ({current.detail}); restarting")
                self._stop(service)
            to_start.append(service)
        packages = [package for service in to_start for package in service.apt_packages]
        installed = ensure_packages(packages)
        if installed:
            progress(f"installed with apt: {' '.join(installed)}")
        started: list[Service] = []
        try:
            for service in to_start:
                self._start(service, progress)
                started.append(service)
        except BaseException:
            for service in reversed(started):
                self._stop(service)
            raise
        return self.status(names)

    def _start(self, service: Service, progress: Progress) -> None:
        for port in service.ports():
            ensure_port_free(port.host, port.port, service.name, port.setting)
        progress(f"{service.name}: preparing")
        service.prepare()
        log_path = self.log_path(service)
        begun = time.monotonic()
        record = spawn(service.launch_spec(), log_path)
        pid_file = self.pid_file(service)
        pid_file.write(record)
        try:
            self._wait_ready(service, record, log_path)
            service.provision()
            service.check_health()
        except BaseException as exc:
            self._stop(service)
            if isinstance(exc, StackError):
                raise
            if isinstance(exc, Exception):
                raise ServiceStartError(f"{service.name}: {exc} (log: {log_path})") from exc
            raise
        progress(f"{service.name}: healthy (pid {record.pid}) in {time.monotonic() - begun:.1f} s")

    def _wait_ready(self, service: Service, record: ProcessRecord, log_path: Path) -> None:
        deadline = time.monotonic() + self.settings.stack.health_timeout_s
        last_failure = "no answer yet"
        while time.monotonic() < deadline:
            if self.pid_file(service).live_record() is None:
                raise ServiceStartError(
                    f"{service.name} exited while starting: {_tail(log_path)} (log: {log_path})"
                )
            try:
                service.check_ready()
            except HealthCheckFailed as exc:
                last_failure = str(exc)
                time.sleep(_READY_POLL_S)
                continue
            return
        raise ServiceStartError(
            f"{service.name} did not become ready within "
            f"{self.settings.stack.health_timeout_s:.0f} s (pid {record.pid}): {last_failure} "
            f"(log: {log_path})"
        )

    def down(self, names: Sequence[str] = (), progress: Progress = _quiet) -> None:
        for service in reversed(self.select(names)):
            if self._stop(service):
                progress(f"{service.name}: stopped")

    def _stop(self, service: Service) -> bool:
        """Stop the service's recorded process if it is still ours; True if one was running."""
        pid_file = self.pid_file(service)
        recorded = pid_file.read()
        record = pid_file.live_record()
        if record is not None:
            terminate(record, self.settings.stack.stop_timeout_s)
        elif recorded is not None:
            # The leader died (kill -9); its children (PostgreSQL backends) may still hold the
            # port or shared memory, and they are still in the leader's process group.
            kill_orphaned_group(recorded)
        pid_file.remove()
        return record is not None


def _tail(log_path: Path) -> str:
    try:
        lines = [line for line in log_path.read_text(errors="replace").splitlines() if line.strip()]
    except FileNotFoundError:
        return "no log written"
    return " | ".join(lines[-_LOG_TAIL_LINES:]) or "empty log"
