"""The stack's Prometheus, started by the stack manager on a scratch port and state folder: it
runs as Debian's ``prometheus`` account, scrapes a real platform process (the trading agents'
process, launched as the stack launches it on a scratch metrics port, with trading switched off
so that it only serves its metrics) until that target reports ``up == 1`` (and one nobody serves
``up == 0``), and reloads a changed configuration on the next ``stack up``.

Only the scratch Prometheus is stopped; the shared services are scraped read-only."""

from __future__ import annotations

import os
import pwd
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gridtokenx.config import PrometheusSettings, Settings
from gridtokenx.stack.manager import ServiceState, StackManager
from gridtokenx.stack.services.agents import AgentsService
from gridtokenx.stack.services.prometheus import PrometheusService
from tests.utils.ports import free_port
from tests.utils.service_process import launched

pytestmark = pytest.mark.integration

_WAIT_S = 60.0


@pytest.fixture
def state_dir() -> Iterator[Path]:
    # Prometheus runs as the prometheus user when we are root: its folder must be traversable.
    path = Path(tempfile.mkdtemp(prefix="gtx-prometheus-", dir="/var/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _query(base_url: str, expression: str) -> list[dict[str, object]]:
    response = httpx.get(f"{base_url}/api/v1/query", params={"query": expression}, timeout=5.0)
    response.raise_for_status()
    body = response.json()
    assert body["status"] == "success", body
    result: list[dict[str, object]] = body["data"]["result"]
    return result


def _wait_for_value(base_url: str, expression: str, expected: str) -> None:
    deadline = time.monotonic() + _WAIT_S
    seen: list[dict[str, object]] = []
    while time.monotonic() < deadline:
        seen = _query(base_url, expression)
        if seen and all(sample["value"][1] == expected for sample in seen):  # type: ignore[index]
            return
        time.sleep(0.5)
    pytest.fail(f"{expression} never became {expected} within {_WAIT_S:.0f} s: {seen}")


def _process_user(pid: int) -> str:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return pwd.getpwuid(int(line.split()[1])).pw_name
    raise AssertionError(f"no Uid line for pid {pid}")


def test_the_stack_runs_prometheus_which_scrapes_a_real_service(state_dir: Path) -> None:
    base = Settings()
    settings = base.model_copy(
        update={
            "state_dir": state_dir,
            "agents": base.agents.model_copy(update={"metrics_port": free_port()}),
            # A port nobody serves: a service that is not running shows up == 0.
            "oracle": base.oracle.model_copy(update={"metrics_port": free_port()}),
            "prometheus": PrometheusSettings(
                port=free_port(), scrape_interval_s=1, scrape_timeout_s=1
            ),
        }
    )
    prometheus = PrometheusService(settings)
    manager = StackManager(settings, [prometheus])
    agents_off = {**os.environ, "GRIDTOKENX_AGENTS__ENABLED": "false"}
    with launched(AgentsService(settings), agents_off):
        try:
            (status,) = manager.up()
            assert status.state is ServiceState.HEALTHY, status.detail
            assert status.pid is not None
            if os.geteuid() == 0:
                assert _process_user(status.pid) == "prometheus"
            assert prometheus.data_dir.is_dir()

            _wait_for_value(prometheus.base_url, 'up{job="agents"}', "1")
            _wait_for_value(prometheus.base_url, 'up{job="prometheus"}', "1")
            _wait_for_value(prometheus.base_url, 'up{job="oracle"}', "0")
            series = _query(prometheus.base_url, "gridtokenx_agents_cycles_total")
            assert [s["metric"]["job"] for s in series] == ["agents"]  # type: ignore[index]
            for _, url in prometheus.urls():
                assert httpx.get(url, timeout=5.0).status_code == 200, url
            rules = httpx.get(f"{prometheus.base_url}/api/v1/rules", timeout=5.0).json()
            assert "gridtokenx-services" in {group["name"] for group in rules["data"]["groups"]}

            # A changed configuration is applied by the next `stack up` without a restart.
            slower = settings.model_copy(
                update={
                    "prometheus": settings.prometheus.model_copy(
                        update={"scrape_interval_s": 7, "scrape_timeout_s": 7}
                    )
                }
            )
            (again,) = StackManager(slower, [PrometheusService(slower)]).up()
            assert again.state is ServiceState.HEALTHY
            assert again.pid == status.pid
            loaded = httpx.get(f"{prometheus.base_url}/api/v1/status/config", timeout=5.0)
            assert "scrape_interval: 7s" in loaded.json()["data"]["yaml"]
        finally:
            manager.down()
    assert manager.status()[0].state is ServiceState.STOPPED
