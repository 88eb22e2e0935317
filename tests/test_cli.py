from __future__ import annotations

import subprocess
import sys

import pytest

from gridtokenx.cli import main


def test_unknown_service_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stack", "status", "no-such-service"]) == 1
    assert "unknown service no-such-service" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("command", "prefix"),
    [
        ("telemetry", "gridtokenx_ingest_"),
        ("mint", "gridtokenx_mint_"),
        ("market", "gridtokenx_matcher_"),
        ("indexer", "gridtokenx_indexer_"),
        ("settlement", "gridtokenx_settlement_"),
        ("oracle", "gridtokenx_oracle_"),
        ("agents", "gridtokenx_agents_"),
    ],
)
def test_a_service_process_exports_only_its_own_metrics(command: str, prefix: str) -> None:
    # A fresh interpreter: this one has imported every component already. The stack's health
    # probe looks for a service's own metric, so another service's must not be there.
    probe = (
        "from gridtokenx.cli import build_parser\n"
        f"build_parser([{command!r}])\n"
        "from prometheus_client import REGISTRY\n"
        "print(' '.join(m.name for m in REGISTRY.collect() if m.name.startswith('gridtokenx_')))"
    )
    names = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert names
    assert [name for name in names if not name.startswith(prefix)] == []
