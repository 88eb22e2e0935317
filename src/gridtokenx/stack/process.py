"""Start, identify and stop the stack's own processes.

A pid file alone cannot tell our process from an unrelated one that later got the same pid, so
each record also keeps the process's start time (clock ticks since boot, field 22 of
``/proc/<pid>/stat``); a process counts as ours only while both match.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

_POLL_INTERVAL_S = 0.05


@dataclass(frozen=True)
class ProcessRecord:
    pid: int
    start_ticks: int
    argv: tuple[str, ...]


@dataclass(frozen=True)
class LaunchSpec:
    """How to run one service process.

    ``user`` names the account to run as when the stack runs as root (PostgreSQL refuses root).
    """

    argv: tuple[str, ...]
    cwd: Path
    env: dict[str, str]
    user: str | None = None


def _read_stat(pid: int) -> tuple[str, int] | None:
    """State letter and start ticks of a live process, or None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name in parentheses may contain spaces; the fields after it are fixed.
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[0], int(fields[19])


def is_alive(pid: int) -> bool:
    """True while a process with this pid exists and is not a zombie."""
    stat = _read_stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def is_running(record: ProcessRecord) -> bool:
    """True while the recorded process is alive (not a zombie) and is the one we started."""
    stat = _read_stat(record.pid)
    if stat is None:
        return False
    state, start_ticks = stat
    return state not in ("Z", "X") and start_ticks == record.start_ticks


def spawn(spec: LaunchSpec, log_path: Path) -> ProcessRecord:
    """Start a process in its own session with stdout and stderr appended to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    user = spec.user if os.geteuid() == 0 else None
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            spec.argv,
            cwd=spec.cwd,
            env=spec.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            user=user,
        )
    stat = _read_stat(process.pid)
    if stat is None:
        raise ChildProcessError(f"{spec.argv[0]} exited at once; see {log_path}")
    return ProcessRecord(pid=process.pid, start_ticks=stat[1], argv=spec.argv)


def terminate(record: ProcessRecord, timeout_s: float) -> None:
    """SIGTERM the process (and its session), then SIGKILL it if it outlives ``timeout_s``."""
    if not is_running(record):
        return
    _signal_session(record.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not is_running(record):
            return
        time.sleep(_POLL_INTERVAL_S)
    _signal_session(record.pid, signal.SIGKILL)
    while is_running(record):
        time.sleep(_POLL_INTERVAL_S)


def kill_orphaned_group(record: ProcessRecord) -> None:
    """SIGKILL what is left of a dead leader's process group."""
    if not is_alive(record.pid):
        _signal_session(record.pid, signal.SIGKILL)


def _signal_session(pid: int, signum: signal.Signals) -> None:
    # Each service is a session leader, so its pid is also its process group id; signalling the
    # group also stops helpers it started (PostgreSQL's backends, for example).
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, signum)


class PidFile:
    """The record of one service's process, kept as JSON in the stack's state directory."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> ProcessRecord | None:
        try:
            data = json.loads(self.path.read_text())
            return ProcessRecord(
                pid=int(data["pid"]),
                start_ticks=int(data["start_ticks"]),
                argv=tuple(str(arg) for arg in data["argv"]),
            )
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return None

    def write(self, record: ProcessRecord) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(record)))
        temporary.replace(self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)

    def live_record(self) -> ProcessRecord | None:
        """The recorded process if it is still running, else None."""
        record = self.read()
        return record if record is not None and is_running(record) else None
