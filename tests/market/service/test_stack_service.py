"""The stack's matcher service: launched as the stack launches it, healthy by its metrics."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gridtokenx.config import Settings
from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.services.matcher import MatcherService
from tests.market.service.commands import LogWriter
from tests.market.service.private_market import private_market
from tests.utils.ports import free_port
from tests.utils.service_process import launched

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
        market.publish_commands(LogWriter(seed=9).burst(50))
        # The stack's own variables win; the private topics and group come from the test.
        with launched(service, market.environment()) as run:
            deadline = time.monotonic() + 30
            while market.committed_offsets() < 50:
                assert time.monotonic() < deadline, "the matcher did not match the commands"
                time.sleep(0.1)
        assert run.returncode == 0, run.output
        assert "matched commands=50 " in run.output
