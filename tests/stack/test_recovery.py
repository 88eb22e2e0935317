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


def test_killed_service_is_reported_and_restored(
    running_stack: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    manager = StackManager(running_stack)
    before = {status.name: status for status in manager.status()}
    victim = before["redis"]
    assert victim.state is ServiceState.HEALTHY
    assert victim.pid is not None

    os.kill(victim.pid, signal.SIGKILL)
    _wait_dead(victim.pid)

    (after_kill,) = manager.status(["redis"])
    assert after_kill.state is ServiceState.UNHEALTHY
    assert f"process {victim.pid} is not running" in after_kill.detail
    assert main(["stack", "status", "redis"]) == 1
    assert "unhealthy" in capsys.readouterr().out

    restored = {status.name: status for status in manager.up()}
    assert all(status.state is ServiceState.HEALTHY for status in restored.values())
    assert restored["redis"].pid != victim.pid
    for name, status in before.items():
        if name != "redis":
            assert restored[name].pid == status.pid, f"{name} was restarted but was healthy"
