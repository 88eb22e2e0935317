"""deploy/grafana/: the provisioned datasource is the compose Prometheus, the dashboard is
provisioned from the folder compose mounts, and every panel's query parses (promtool) and
names metrics that a service really defines."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.metric_names import defined_series, used_series

GRAFANA_DIR = Path(__file__).parents[2] / "deploy" / "grafana"
DASHBOARD_PATH = GRAFANA_DIR / "dashboards" / "gridtokenx.json"
PROMTOOL = "/usr/bin/promtool"


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DASHBOARD_PATH.read_text())
    return document


def _expressions(dashboard: dict[str, Any]) -> list[str]:
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def test_the_datasource_is_the_compose_prometheus_and_panels_use_it(
    dashboard: dict[str, Any],
) -> None:
    provisioned = yaml.safe_load(
        (GRAFANA_DIR / "provisioning/datasources/prometheus.yml").read_text()
    )
    (datasource,) = provisioned["datasources"]
    assert datasource["url"] == "http://prometheus:9090"
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == datasource["uid"], panel["title"]


def test_the_dashboard_is_provisioned_from_the_folder_compose_mounts() -> None:
    provider = yaml.safe_load((GRAFANA_DIR / "provisioning/dashboards/gridtokenx.yml").read_text())
    (entry,) = provider["providers"]
    compose = yaml.safe_load((GRAFANA_DIR.parent / "docker-compose.yml").read_text())
    volumes = compose["services"]["grafana"]["volumes"]
    assert f"./grafana/dashboards:{entry['options']['path']}:ro" in volumes
    assert "./grafana/provisioning:/etc/grafana/provisioning:ro" in volumes


def test_the_dashboard_shows_the_platform(dashboard: dict[str, Any]) -> None:
    titles = {panel["title"] for panel in dashboard["panels"]}
    assert {
        "Ingest rate",
        "Mint rate",
        "Orders",
        "Trades",
        "Settlement backlog",
        "Gateway latency by route",
        "WebSocket connections",
        "Kafka consumer lag",
    } <= titles
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))


def test_every_panel_names_metrics_a_service_defines(dashboard: dict[str, Any]) -> None:
    defined = defined_series()
    for expression, names in used_series(_expressions(dashboard)).items():
        assert names, f"no metric in {expression!r}"
        assert names <= defined, f"{sorted(names - defined)} of {expression!r} exist nowhere"


def test_every_panel_query_parses(dashboard: dict[str, Any], tmp_path: Path) -> None:
    # promtool parses a recording rule's expression exactly as Prometheus parses a query.
    rules = [
        {"record": f"dashboard:query_{n}", "expr": expression}
        for n, expression in enumerate(_expressions(dashboard))
    ]
    path = tmp_path / "dashboard_rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    if shutil.which(PROMTOOL) is None:
        pytest.fail("promtool comes with Debian's prometheus: `gridtokenx stack up prometheus`")
    checked = subprocess.run(
        [PROMTOOL, "check", "rules", str(path)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(rules)} rules found" in checked.stdout
