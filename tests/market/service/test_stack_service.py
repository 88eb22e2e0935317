"""The stack's matcher service: launched as the stack launches it, healthy by its metrics."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from gridtokenx.config import Settings
from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.services.matcher import MatcherService
from tests.market.service.commands import LogWriter
from tests.market.service.private_market import private_market
from tests.utils.ports import free_port

pytestmark = pytest.mark.integration


def test_the_matcher_is_healthy_while_it_runs_and_stops_cleanly(
    running_stack: Settings, tmp_path: Path
) -> None:
    with private_market(running_stack) as market:
        settings = market.settings.model_copy(
            update={
                "state_dir": tmp_path,
                "market": market.market.model_copy(update={"metrics_port": free_port()}),
            }
        )
        service = MatcherService(settings)
        with pytest.raises(HealthCheckFailed):
            service.check_health()
        service.prepare()
        spec = service.launch_spec()
        market.publish_commands(LogWriter(seed=9).burst(50))
        # The stack's own variables win; the private topics and group come from the test.
        process = subprocess.Popen(
            spec.argv,
            cwd=spec.cwd,
            env={**market.environment(), **spec.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    service.check_health()
                    break
                except HealthCheckFailed:
                    assert process.poll() is None, "the matcher exited"
                    assert time.monotonic() < deadline, "the matcher never became healthy"
                    time.sleep(0.2)
            while market.committed_offsets() < 50:
                assert time.monotonic() < deadline, "the matcher did not match the commands"
                time.sleep(0.1)
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output.decode()
        assert b"matched commands=50 " in output
