"""The agents process wiring that needs no services."""

from __future__ import annotations

import asyncio
from pathlib import Path

from gridtokenx.agents.app import run_agents
from gridtokenx.config import AgentsSettings, Settings


def test_disabled_agents_place_nothing_and_need_no_chain(tmp_path: Path) -> None:
    """No addresses file exists under ``tmp_path``: a disabled run never looks for one."""
    settings = Settings(state_dir=tmp_path, agents=AgentsSettings(enabled=False))
    report = asyncio.run(run_agents(settings, cycles=3))
    assert report.agents == 0
    assert report.placed == {}
    assert report.failures == {}
