"""deploy/prometheus/: the compose deployment's Prometheus scrapes every service that serves
metrics (the same jobs the stack generates), its configuration and alert rules pass promtool,
and every alert names metrics that a service really defines."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from gridtokenx.config import Settings
from gridtokenx.stack.manager import StackManager
from gridtokenx.stack.services.prometheus import CHECKOUT_ALERTS_FILE
from tests.deploy.metric_names import defined_series, metrics_modules, used_series

DEPLOY_DIR = Path(__file__).parents[2] / "deploy"
CONFIG_PATH = DEPLOY_DIR / "prometheus" / "prometheus.yml"
ALERTS_PATH = DEPLOY_DIR / "prometheus" / "alerts.yml"
PROMTOOL = "/usr/bin/promtool"


@pytest.fixture(scope="module")
def jobs() -> dict[str, dict[str, Any]]:
    document: dict[str, Any] = yaml.safe_load(CONFIG_PATH.read_text())
    return {job["job_name"]: job for job in document["scrape_configs"]}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((DEPLOY_DIR / "docker-compose.yml").read_text())
    services: dict[str, Any] = document["services"]
    return services


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which(PROMTOOL) is None:
        pytest.fail("promtool comes with Debian's prometheus: `gridtokenx stack up prometheus`")
    return subprocess.run([PROMTOOL, *args], capture_output=True, text=True, check=False)


def test_every_stack_service_with_metrics_is_scraped_by_its_compose_name(
    jobs: dict[str, dict[str, Any]],
) -> None:
    for service in StackManager(Settings()).services:
        url = service.metrics_url()
        if url is None:
            continue
        assert service.name in jobs, f"{service.name} serves {url} but {CONFIG_PATH} has no job"
        job = jobs[service.name]
        (target,) = job["static_configs"][0]["targets"]
        parts = urlsplit(url)
        host = "localhost" if service.name == "prometheus" else service.name
        assert target == f"{host}:{parts.port}", f"{service.name}: {target} != {url}"
        assert job.get("metrics_path", "/metrics") == parts.path


def test_every_job_is_a_compose_service(
    jobs: dict[str, dict[str, Any]], compose: dict[str, Any]
) -> None:
    assert set(jobs) <= set(compose)
    prometheus = compose["prometheus"]
    assert "./prometheus:/etc/prometheus:ro" in prometheus["volumes"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]


def test_the_stack_loads_the_same_alert_rules() -> None:
    assert CHECKOUT_ALERTS_FILE == ALERTS_PATH


def test_configuration_and_rules_pass_promtool() -> None:
    checked = _promtool("check", "config", str(CONFIG_PATH))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    rules = _promtool("check", "rules", str(ALERTS_PATH))
    assert rules.returncode == 0, rules.stdout + rules.stderr


def test_the_alerts_cover_the_pipeline() -> None:
    document = yaml.safe_load(ALERTS_PATH.read_text())
    alerts = {rule["alert"] for group in document["groups"] for rule in group["rules"]}
    assert {"ServiceDown", "KafkaConsumerLagHigh", "SettlementBacklog", "MintErrors"} <= alerts


def test_every_alert_names_metrics_a_service_defines() -> None:
    assert "gridtokenx.telemetry.metrics" in metrics_modules()
    document = yaml.safe_load(ALERTS_PATH.read_text())
    expressions = [rule["expr"] for group in document["groups"] for rule in group["rules"]]
    defined = defined_series()
    for expression, names in used_series(expressions).items():
        assert names, f"no metric in {expression!r}"
        assert names <= defined, f"{sorted(names - defined)} of {expression!r} exist nowhere"
