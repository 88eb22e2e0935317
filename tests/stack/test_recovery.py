"""A service that dies is reported unhealthy and `up` restarts only that service."""

from __future__ import annotations

import os
import signal
import time

import pytest

from gridtokenx.cli import main
from gridtokenx.config import Settings
from gridtokenx.stack.manager import ServiceState, StackManager

pytestmark = pytest.mark.integration


def _wait_dead(pid: int) -> None:
    deadline = time.monotonic() + 10.0
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split(") ")[1].startswith(("Z", "X")):
                    return
        except FileNotFoundError:
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} did not die")


# PostgreSQL is the hard case: its backends outlive a killed postmaster, and its lock file
# names a pid that may linger as a zombie.
@pytest.mark.parametrize("name", ["redis", "postgres"])
def test_killed_service_is_reported_and_restored(
    name: str, running_stack: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    manager = StackManager(running_stack)
    before = {status.name: status for status in manager.status()}
    victim = before[name]
    assert victim.state is ServiceState.HEALTHY
    assert victim.pid is not None

    os.kill(victim.pid, signal.SIGKILL)
    _wait_dead(victim.pid)

    (after_kill,) = manager.status([name])
    assert after_kill.state is ServiceState.UNHEALTHY
    assert f"process {victim.pid} is not running" in after_kill.detail
    assert main(["stack", "status", name]) == 1
    assert "unhealthy" in capsys.readouterr().out

    restored = {status.name: status for status in manager.up()}
    assert all(status.state is ServiceState.HEALTHY for status in restored.values())
    assert restored[name].pid != victim.pid
    for other, status in before.items():
        if other != name:
            assert restored[other].pid == status.pid, f"{other} was restarted but was healthy"
