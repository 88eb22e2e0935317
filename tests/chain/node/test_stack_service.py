"""ChainNodeService: what the stack launches, and a health check that is a real round trip."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gridtokenx.config import ChainSettings, Settings
from gridtokenx.stack.errors import HealthCheckFailed
from gridtokenx.stack.registry import SERVICE_TYPES
from gridtokenx.stack.services.chain_node import ChainNodeService
from tests.chain.node.node_process import NodeProcess, free_port


def _service(rpc_port: int, ws_port: int, state_dir: Path) -> ChainNodeService:
    settings = Settings(
        state_dir=state_dir, chain=ChainSettings(rpc_port=rpc_port, ws_port=ws_port)
    )
    return ChainNodeService(settings)


def test_the_stack_launches_this_python_with_the_chain_node_command(tmp_path: Path) -> None:
    assert ChainNodeService in SERVICE_TYPES
    service = _service(18899, 18900, tmp_path)
    argv = service.launch_spec().argv
    assert argv[:5] == (sys.executable, "-m", "gridtokenx", "chain", "node")
    assert argv[argv.index("--rpc-port") + 1] == "18899"
    assert argv[argv.index("--state-dir") + 1] == str(tmp_path / "chain")
    assert {port.port for port in service.ports()} == {18899, 18900}


@pytest.mark.integration
def test_health_is_a_real_round_trip(shared_node: NodeProcess, tmp_path: Path) -> None:
    _service(shared_node.rpc_port, shared_node.ws_port, tmp_path).check_health()
    with pytest.raises(HealthCheckFailed):
        _service(free_port(), free_port(), tmp_path).check_health()
